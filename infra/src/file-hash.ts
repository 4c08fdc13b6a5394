import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Short sha256 over the contents of `files`, in order: the cache key of what they produce. */
export function hashFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file.split('/').pop() ?? file);
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
