import { createHash } from 'node:crypto';

/**
 * A digest of a document's content (every field but `_id` and `_h`), in its key order. Documents are built by pure
 * functions, so equal content has equal key order: equal hash ⇔ equal document. A Date is hashed as its ISO string
 * (JSON.stringify calls `toJSON` before the replacer sees it), which is as exact. Keys are hashed as given.
 */
export function contentHash(doc: Record<string, unknown>): string {
  const { _id: _i, _h: _x, ...content } = doc;
  return createHash('sha256').update(JSON.stringify(content, replacer)).digest('base64url').slice(0, 22);
}

// Strings as the store gives them back (a lone surrogate is stored as U+FFFD): a document re-folded from what was
// stored then hashes as the one that was written, and a redelivered fact counts as the duplicate it is.
function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return (value as string & { toWellFormed(): string }).toWellFormed();
  return value;
}
