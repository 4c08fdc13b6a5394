import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { MediaStoreError } from './errors.ts';

/** An inclusive byte range of an object. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Content-addressed storage of media bytes: an object is named by the sha256 of its content, so the same bytes are
 * stored once whatever media ids carry them. Writes are invisible until complete and verified (a process killed
 * mid-write leaves nothing a reader can see); two writers of one object write the same bytes.
 */
export interface ObjectStore {
  backend: 'fs' | 's3';
  /** The key an object of this sha256 has in the store. */
  keyOf(sha256: string): string;
  /** Its size when it is stored, else null. */
  stat(sha256: string): Promise<number | null>;
  /** Streams `body` into the object `sha256`; rejects with WABUS_MEDIA_STORE_HASH_MISMATCH (keeping nothing) when it hashes otherwise. */
  put(sha256: string, body: Readable, contentType: string): Promise<{ size: number }>;
  /** The object's bytes (a range of them); WABUS_MEDIA_STORE_OBJECT_MISSING when absent. */
  read(sha256: string, range?: ByteRange): Promise<Readable>;
  /** Removes what interrupted writes left behind (temporary files, incomplete uploads) older than `olderThanMs`; how many. */
  sweep(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A pass-through that hashes and counts what flows through it and fails at the end, before the end reaches the
 * writer, when the content is not `sha256`: the writer never completes a wrong object.
 */
export function verifyingStream(sha256: string): Transform & { bytes(): number } {
  const hash = createHash('sha256');
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const got = hash.digest('hex');
      if (got === sha256) cb();
      else
        cb(
          new MediaStoreError('WABUS_MEDIA_STORE_HASH_MISMATCH', {
            message: `content hashes to ${got}, expected ${sha256} (${n} bytes)`,
            details: { got, expected: sha256 },
          }),
        );
    },
  });
  return Object.assign(t, { bytes: () => n });
}
