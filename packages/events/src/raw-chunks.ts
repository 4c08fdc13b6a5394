import { createHash } from 'node:crypto';
import { RECORD_HEADERS } from './event-records.ts';

/** A raw-topic record as written or read: the body (or a piece of it) with its key and headers. */
export interface RawRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * A body the raw topic cannot take whole, as pieces of at most `chunkBytes` each (docs/limits.md): each piece a record
 * with the body's key and headers plus `wabus-chunk: <i>/<n>` and `wabus-body-bytes`. Appended in order under one key,
 * they sit on one partition in order; `createChunkAssembler` puts them together again.
 */
export function splitIntoChunks<R extends RawRecord & { value: Buffer }>(record: R, chunkBytes: number): R[] {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
  const body = record.value;
  const n = Math.max(1, Math.ceil(body.length / chunkBytes));
  return Array.from({ length: n }, (_, i) => ({
    ...record,
    value: body.subarray(i * chunkBytes, Math.min(body.length, (i + 1) * chunkBytes)),
    headers: { ...record.headers, [RECORD_HEADERS.chunk]: `${i + 1}/${n}`, [RECORD_HEADERS.bodyBytes]: String(body.length) },
  }));
}

/** The widest chunk headers can be (for the size of a piece's record before the pieces are cut). */
export const WIDEST_CHUNK_HEADERS: Readonly<Record<string, string>> = { [RECORD_HEADERS.chunk]: '9999999/9999999', [RECORD_HEADERS.bodyBytes]: '9999999999' };

export type AssembledRecord =
  | { kind: 'whole'; body: Buffer }
  /** A piece, kept until the others of its body arrive. */
  | { kind: 'pending' }
  /** The last piece of a body arrived: the body, checked against its length and its key (the sha256 delivery id). */
  | { kind: 'assembled'; body: Buffer }
  | { kind: 'bad'; reason: string };

/**
 * Reads raw records in topic order and gives back whole bodies: a record that is no piece as it is, the pieces of a
 * body once all of them were read (a body delivered twice, in two sets of pieces, is given back twice). `pending()`
 * says how many bodies still miss pieces (a range read that cut a body).
 */
export function createChunkAssembler(): { add(record: RawRecord): AssembledRecord; pending(): number } {
  const open = new Map<string, { n: number; bytes: number; pieces: Map<number, Buffer> }>();
  return {
    add(record) {
      const chunk = record.headers[RECORD_HEADERS.chunk];
      if (chunk === undefined) return record.value === null ? { kind: 'bad', reason: 'no value' } : { kind: 'whole', body: record.value };
      const m = /^(\d+)\/(\d+)$/.exec(chunk);
      const bytes = Number(record.headers[RECORD_HEADERS.bodyBytes]);
      if (m === null || record.key === null || record.value === null || !Number.isSafeInteger(bytes))
        return { kind: 'bad', reason: `malformed chunk ${chunk}` };
      const [i, n] = [Number(m[1]), Number(m[2])];
      if (i < 1 || i > n) return { kind: 'bad', reason: `malformed chunk ${chunk}` };
      let body = open.get(record.key);
      // A piece seen again is the same bytes (the same body cut the same way: two deliveries, perhaps by two
      // ingresses, interleaved): either copy does. Another count or length is another cut: start over.
      if (body === undefined || body.n !== n || body.bytes !== bytes) open.set(record.key, (body = { n, bytes, pieces: new Map() }));
      body.pieces.set(i, record.value);
      if (body.pieces.size < n) return { kind: 'pending' };
      open.delete(record.key);
      const whole = Buffer.concat(Array.from({ length: n }, (_, k) => body.pieces.get(k + 1)!));
      if (whole.length !== bytes) return { kind: 'bad', reason: `pieces of ${whole.length} bytes, the body had ${bytes}` };
      if (createHash('sha256').update(whole).digest('hex') !== record.key) return { kind: 'bad', reason: 'the pieces do not hash to the delivery id' };
      return { kind: 'assembled', body: whole };
    },
    pending: () => open.size,
  };
}
