import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { contentHash } from './content-hash.ts';

/** A state document: `_h` is the hash of its content, used as the optimistic-concurrency token. */
export type StateDocument = Document & { _id: string; _h?: string };

export type Evolve<D extends StateDocument, E> = (current: D | null, event: E) => D | null;

export interface FoldResult {
  /** Events that left their document exactly as it was (already applied: a redelivery, replay or Meta retry). */
  unchanged: number;
}

const MAX_ROUNDS = 20;

/**
 * Applies events to documents as a pure fold, with single-document atomicity only (no transactions):
 *
 *   for each document id: next = events.reduce(evolve, current)
 *
 * Every document is loaded once, folded in memory in the given event order, and written back only if its content
 * changed: inserted when new, else replaced on condition that its content hash is still the one we read. When a
 * condition fails (another writer got there first, e.g. a zombie consumer during a rebalance) those documents are
 * re-loaded and re-folded. `evolve` must be idempotent — folding an event already reflected in a document changes
 * nothing — so re-folding is safe, and a redelivered or replayed event is a no-op whatever crashed where: "apply"
 * and "remember" are one single-document write.
 */
export async function foldDocuments<D extends StateDocument, E>(
  collection: Collection<D>,
  eventsById: Map<string, E[]>,
  evolve: Evolve<D, E>,
): Promise<FoldResult> {
  const result: FoldResult = { unchanged: 0 };
  let pending = [...eventsById.keys()];
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS) {
      throw Object.assign(new Error(`documents kept changing under us: ${pending.slice(0, 5).join(', ')}`), { code: 'WABUS_DEDUP_CONFLICT' });
    }
    const current = new Map<string, D>();
    for (const doc of await collection.find({ _id: { $in: pending } } as never).toArray()) current.set(String(doc._id), doc as D);
    const inserts: { id: string; op: AnyBulkWriteOperation<D> }[] = [];
    const replaces: { id: string; op: AnyBulkWriteOperation<D> }[] = [];
    for (const id of pending) {
      const before = current.get(id) ?? null;
      let next: D | null = before;
      let nextHash = before ? contentHash(before) : undefined;
      for (const e of eventsById.get(id)!) {
        const folded = evolve(next, e);
        const foldedHash = folded ? contentHash(folded) : undefined;
        if (round === 0 && foldedHash === nextHash) result.unchanged++;
        next = folded;
        nextHash = foldedHash;
      }
      if (next === null || nextHash === undefined || (before !== null && nextHash === contentHash(before))) continue;
      const doc = { ...next, _id: id, _h: nextHash } as D;
      if (before === null) inserts.push({ id, op: { insertOne: { document: doc as never } } });
      else replaces.push({ id, op: { replaceOne: { filter: { _id: id, _h: before._h ?? null } as never, replacement: doc as never } } });
    }
    const conflicts: string[] = [];
    // Replaces one by one would cost a round trip each; in one unordered bulk the driver does not say which
    // conditional replace matched nothing, so when fewer matched than sent, all replaced ids are re-checked next
    // round (idempotent evolve makes re-folding the ones that did go through a no-op).
    const ops = [...inserts, ...replaces];
    if (ops.length > 0) {
      try {
        const res = await collection.bulkWrite(
          ops.map((o) => o.op),
          { ordered: false },
        );
        if (res.matchedCount < replaces.length) conflicts.push(...replaces.map((r) => r.id));
      } catch (err) {
        const e = err as { writeErrors?: { index: number; code?: number }[] };
        const writeErrors = e.writeErrors ?? [];
        if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw err;
        // An insert raced another insert of the same id; the rest of the unordered bulk went through, except
        // that a conditional replace that matched nothing is not an error and is not reported: re-check them all.
        for (const w of writeErrors) conflicts.push(ops[w.index]!.id);
        conflicts.push(...replaces.map((r) => r.id));
      }
    }
    pending = [...new Set(conflicts)];
    // Writers that collided would collide again in lockstep: spread them out a little.
    if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * (round + 1)));
  }
  return result;
}
