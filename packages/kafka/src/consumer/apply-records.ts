import { isPermanent } from './classify-error.ts';
import type { BatchOutcome, ConsumedRecord } from './consumer-types.ts';

export interface Applied<E> {
  rejected: { record: ConsumedRecord<E>; error: Error }[];
  duplicates: number;
  /** Null when the handler reported a count only. */
  duplicateOffsets: string[] | null;
}

/**
 * Applies records through `call` (one handler call); a permanent error for a group of records is narrowed down by
 * halving, so only the bad ones are rejected. Any other error is thrown (the caller retries the whole chunk).
 */
export async function applyRecords<E>(records: ConsumedRecord<E>[], call: (records: ConsumedRecord<E>[]) => Promise<BatchOutcome | void>): Promise<Applied<E>> {
  if (records.length === 0) return { rejected: [], duplicates: 0, duplicateOffsets: [] };
  try {
    const out = (await call(records)) ?? {};
    const byOffset = new Map(records.map((r) => [r.offset, r]));
    const rejected = (out.rejected ?? []).map(({ offset, error }) => {
      const record = byOffset.get(offset);
      if (!record) throw new Error(`handler rejected offset ${offset}, which is not in the batch`);
      return { record, error };
    });
    const duplicateOffsets = out.duplicateOffsets === undefined ? null : [...out.duplicateOffsets];
    return { rejected, duplicates: duplicateOffsets?.length ?? out.duplicates ?? 0, duplicateOffsets };
  } catch (err) {
    if (!isPermanent(err)) throw err;
    if (records.length === 1) return { rejected: [{ record: records[0]!, error: err as Error }], duplicates: 0, duplicateOffsets: [] };
    const mid = Math.ceil(records.length / 2);
    const left = await applyRecords(records.slice(0, mid), call);
    const right = await applyRecords(records.slice(mid), call);
    return {
      rejected: [...left.rejected, ...right.rejected],
      duplicates: left.duplicates + right.duplicates,
      duplicateOffsets: left.duplicateOffsets && right.duplicateOffsets ? [...left.duplicateOffsets, ...right.duplicateOffsets] : null,
    };
  }
}
