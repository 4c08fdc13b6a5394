import { createFsObjectStore } from './fs-object-store.ts';
import type { MediaConfig } from './media-config.ts';
import type { ObjectStore } from './object-store.ts';
import { createS3ObjectStore } from './s3-object-store.ts';

/** The configured backend: a directory (default) or an S3-compatible store. */
export function createObjectStore(c: MediaConfig): Promise<ObjectStore> {
  if (c.backend === 'fs') return createFsObjectStore(c.dir);
  return Promise.resolve(
    createS3ObjectStore({
      endpoint: c.s3Endpoint,
      region: c.s3Region,
      bucket: c.s3Bucket,
      prefix: c.s3Prefix,
      accessKeyId: c.s3AccessKeyId,
      secretAccessKey: c.s3SecretAccessKey,
      forcePathStyle: c.s3ForcePathStyle,
      partSize: c.s3PartSize,
    }),
  );
}
