import { pipeline, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MediaStoreError } from './errors.ts';
import { verifyingStream, type ObjectStore } from './object-store.ts';

export interface S3ObjectStoreOptions {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `<endpoint>/<bucket>/<key>` rather than `<bucket>.<host>`: what most self-hosted S3-compatible servers need. */
  forcePathStyle: boolean;
  /** Key prefix of the objects (`media/`); empty for none. */
  prefix: string;
  /** Bytes per multipart part (at least 5 MiB, S3's minimum); two parts are in memory at most per upload. */
  partSize: number;
}

const isNotFound = (err: unknown) =>
  err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey');

const isNoSuchUpload = (err: unknown) => err instanceof S3ServiceException && err.name === 'NoSuchUpload';

/**
 * Objects in any S3-compatible store through the AWS SDK v3 (`@aws-sdk/client-s3`, and `@aws-sdk/lib-storage` for
 * streaming multipart uploads: a 100 MB document goes up in parts, `queueSize * partSize` bytes in memory at most,
 * whatever its size; docs/consumers/media-store.md says why this client). The content is checked while it streams:
 * a wrong hash fails the body before its end, so the upload is aborted and no object appears. An object of S3 is
 * visible only once its upload completes, so a killed writer leaves an incomplete multipart upload, never a partial
 * object; `sweep` aborts those.
 */
export function createS3ObjectStore(o: S3ObjectStoreOptions): ObjectStore {
  const client = new S3Client({
    endpoint: o.endpoint,
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    // Checksums only when an operation requires one: several S3-compatible servers reject the newer default trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyOf = (sha256: string) => `${o.prefix}sha256/${sha256}`;
  return {
    backend: 's3',
    keyOf,
    async stat(sha256) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: keyOf(sha256) }));
        return head.ContentLength ?? null;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async put(sha256, body, contentType) {
      const check = verifyingStream(sha256);
      const source = pipeline(body, check, () => {});
      const upload = new Upload({
        client,
        params: { Bucket: o.bucket, Key: keyOf(sha256), Body: source, ContentType: contentType },
        queueSize: 2,
        partSize: o.partSize,
        leavePartsOnError: false,
      });
      await upload.done();
      return { size: check.bytes() };
    },
    async read(sha256, range) {
      try {
        const got = await client.send(
          new GetObjectCommand({ Bucket: o.bucket, Key: keyOf(sha256), ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end}` }) }),
        );
        return got.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) throw new MediaStoreError('WABUS_MEDIA_STORE_OBJECT_MISSING', { message: `no object ${keyOf(sha256)}`, cause: err });
        throw err;
      }
    },
    async sweep(olderThanMs) {
      // gofakes3 answers NoSuchUpload to a listing when a bucket has no upload at all: none.
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: o.bucket, Prefix: `${o.prefix}sha256/` })).catch((err: unknown) => {
        if (isNoSuchUpload(err)) return { Uploads: [] };
        throw err;
      });
      let aborted = 0;
      for (const u of listed.Uploads ?? []) {
        if (u.Key === undefined || u.UploadId === undefined) continue;
        if (u.Initiated !== undefined && Date.now() - u.Initiated.getTime() < olderThanMs) continue;
        try {
          await client.send(new AbortMultipartUploadCommand({ Bucket: o.bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted++;
        } catch (err) {
          // Completed or aborted meanwhile (by its writer, or another instance's sweep): nothing left to remove.
          if (!isNoSuchUpload(err)) throw err;
        }
      }
      return aborted;
    },
    async close() {
      client.destroy();
    },
  };
}
