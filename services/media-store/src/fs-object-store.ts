import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MediaStoreError } from './errors.ts';
import { verifyingStream, type ObjectStore } from './object-store.ts';

/**
 * Objects as files under `root` (the default backend: `pnpm dev` needs nothing else): `objects/<2 hex>/<sha256>`,
 * written under `tmp/` first, flushed to disk and renamed into place once verified. A rename within one file
 * system is atomic, so a reader sees the whole object or none; a killed writer leaves only a file under `tmp/`,
 * which `sweep` removes.
 */
export async function createFsObjectStore(root: string): Promise<ObjectStore> {
  const tmp = join(root, 'tmp');
  try {
    await mkdir(join(root, 'objects'), { recursive: true });
    await mkdir(tmp, { recursive: true });
    await access(tmp, constants.W_OK);
  } catch (cause) {
    throw new MediaStoreError('WABUS_MEDIA_STORE_DIR_UNUSABLE', {
      param: 'MEDIA_STORE_DIR',
      message: `MEDIA_STORE_DIR ${resolve(root)}: ${(cause as Error).message} (point it at a writable directory or volume, or use MEDIA_STORE_BACKEND=s3)`,
      cause,
    });
  }
  const keyOf = (sha256: string) => join('objects', sha256.slice(0, 2), sha256);
  const pathOf = (sha256: string) => join(root, keyOf(sha256));
  return {
    backend: 'fs',
    keyOf,
    async stat(sha256) {
      try {
        return (await stat(pathOf(sha256))).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async put(sha256, body) {
      const part = join(tmp, `${sha256}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
      const check = verifyingStream(sha256);
      try {
        await pipeline(body, check, createWriteStream(part, { flush: true }));
        await mkdir(join(root, 'objects', sha256.slice(0, 2)), { recursive: true });
        await rename(part, pathOf(sha256));
        return { size: check.bytes() };
      } finally {
        await rm(part, { force: true });
      }
    },
    async read(sha256, range) {
      const path = pathOf(sha256);
      const s = createReadStream(path, range === undefined ? {} : { start: range.start, end: range.end });
      await new Promise<void>((resolve, reject) => {
        s.once('open', () => resolve());
        s.once('error', (err: NodeJS.ErrnoException) =>
          reject(err.code === 'ENOENT' ? new MediaStoreError('WABUS_MEDIA_STORE_OBJECT_MISSING', { message: `no object ${keyOf(sha256)}`, cause: err }) : err),
        );
      });
      return s;
    },
    async sweep(olderThanMs) {
      let removed = 0;
      for (const name of await readdir(tmp)) {
        const path = join(tmp, name);
        const s = await stat(path).catch(() => null);
        if (s !== null && Date.now() - s.mtimeMs >= olderThanMs) {
          await rm(path, { force: true });
          removed++;
        }
      }
      return removed;
    },
    async close() {},
  };
}
