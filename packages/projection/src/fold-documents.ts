import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { contentHash } from './content-hash.ts';
import { ProjectionError } from './errors.ts';

/** A state document: `_h` is the hash of its content, used as the optimistic-concurrency token. */
export type StateDocument = Document & { _id: string; _h?: string };

/**
 * The state after one more fact. Never null: a fold does not delete, because a deleted document would forget the
 * facts it had folded, and a redelivered one would bring it back. A document that ends keeps a tombstone field
 * instead (crm-sync's `mergedInto`).
 */
export type Evolve<D extends StateDocument, F> = (current: D | null, fact: F) => D;

export interface FoldResult {
  /**
   * Per document, per fact in the order given: whether the fact changed the document in the version that was
   * stored. After a conflict the document is re-folded from what the other writer stored, so a fact it had already
   * applied shows as unchanged here.
   */
  changed: Map<string, boolean[]>;
  /** Facts that changed nothing (already applied: a redelivery, replay or Meta retry, or by a concurrent writer). */
  unchanged: number;
}

/** Conditional replaces whose outcome the store did not tell: the hash each wrote, how many failed (null: unknown). */
interface Unsure {
  written: Map<string, string>;
  failed: number | null;
}

const NOTHING_UNSURE: Unsure = { written: new Map(), failed: 0 };
const MAX_ROUNDS = 20;

/**
 * Applies facts to documents as a pure fold, with single-document atomicity only (no transactions):
 *
 *   for each document id: next = facts.reduce(evolve, current)
 *
 * Every document is loaded once, folded in memory in the given order, and written back only if its content
 * changed: inserted when new, else replaced on condition that its content hash is still the one we read. When a
 * condition fails (another writer got there first, e.g. a zombie consumer during a rebalance) those documents are
 * re-loaded and re-folded. `evolve` must be idempotent — folding a fact already reflected in a document changes
 * nothing — so re-folding is safe, and a redelivered or replayed fact is a no-op whatever crashed where: "apply"
 * and "remember" are one single-document write.
 */
export async function foldDocuments<D extends StateDocument, F>(
  collection: Collection<D>,
  factsById: ReadonlyMap<string, readonly F[]>,
  evolve: Evolve<D, F>,
): Promise<FoldResult> {
  const changed = new Map<string, boolean[]>();
  let pending = [...factsById.keys()];
  let unsure = NOTHING_UNSURE;
  for (let round = 0; pending.length > 0 || unsure.written.size > 0; round++) {
    if (round === MAX_ROUNDS) {
      const ids = [...pending, ...unsure.written.keys()];
      throw new ProjectionError('WABUS_DEDUP_CONFLICT', { message: `documents kept changing under us: ${ids.slice(0, 5).join(', ')}` });
    }
    const ids = [...new Set([...pending, ...unsure.written.keys()])];
    const current = new Map<string, D>();
    for (const doc of await collection.find({ _id: { $in: ids } } as never).toArray()) current.set(String(doc._id), doc as D);
    const toFold = new Set([...pending, ...refoldAfter(unsure, current)]);

    const inserts: { id: string; op: AnyBulkWriteOperation<D> }[] = [];
    const replaces: { id: string; hash: string; op: AnyBulkWriteOperation<D> }[] = [];
    for (const id of toFold) {
      const before = current.get(id) ?? null;
      const beforeHash = before === null ? undefined : contentHash(before);
      let next: D | null = before;
      let nextHash = beforeHash;
      const flags: boolean[] = [];
      for (const fact of factsById.get(id)!) {
        next = evolve(next, fact);
        const foldedHash = contentHash(next);
        flags.push(foldedHash !== nextHash);
        nextHash = foldedHash;
      }
      // Nothing to store (every fact already reflected, or changes that cancel out): nothing was applied.
      if (next === null || nextHash === undefined || nextHash === beforeHash) {
        changed.set(
          id,
          flags.map(() => false),
        );
        continue;
      }
      changed.set(id, flags);
      const doc = { ...next, _id: id, _h: nextHash } as D;
      if (before === null) inserts.push({ id, op: { insertOne: { document: doc as never } } });
      else replaces.push({ id, hash: nextHash, op: { replaceOne: { filter: { _id: id, _h: before._h ?? null } as never, replacement: doc as never } } });
    }

    pending = [];
    unsure = NOTHING_UNSURE;
    const ops = [...inserts, ...replaces];
    if (ops.length === 0) continue;
    // In one unordered bulk the driver does not say which conditional replace matched nothing, only how many
    // matched: when fewer than sent, the replaced documents are read again next round to tell (refoldAfter).
    const unsureOf = (matched: unknown): Unsure =>
      typeof matched !== 'number'
        ? { written: new Map(replaces.map((r) => [r.id, r.hash])), failed: null }
        : matched < replaces.length
          ? { written: new Map(replaces.map((r) => [r.id, r.hash])), failed: replaces.length - matched }
          : NOTHING_UNSURE;
    try {
      const res = await collection.bulkWrite(
        ops.map((o) => o.op),
        { ordered: false },
      );
      unsure = unsureOf(res.matchedCount);
    } catch (err) {
      const e = err as { writeErrors?: { index: number; code?: number }[]; result?: { matchedCount?: unknown } };
      const writeErrors = e.writeErrors ?? [];
      if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw err;
      // An insert raced another writer's insert of the same id: re-fold it over theirs. The rest of the unordered
      // bulk went through, except conditional replaces that matched nothing (not errors, so not listed).
      pending = writeErrors.map((w) => ops[w.index]!.id);
      unsure = unsureOf(e.result?.matchedCount);
    }
    // Writers that collided would collide again in lockstep: spread them out a little.
    if (pending.length > 0 || unsure.written.size > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * (round + 1)));
  }
  let unchanged = 0;
  for (const flags of changed.values()) for (const f of flags) if (!f) unchanged++;
  return { changed, unchanged };
}

/**
 * Which replaces of an unsure bulk lost, read back: a document that no longer holds what we wrote was written by
 * someone else (ours failed, or landed and was overtaken: either way its facts are re-folded over what is there).
 * The ones that hold it landed, when that accounts for every failure; otherwise some of them failed and another
 * writer stored the very same content, and which is not known: all are re-folded, and their facts count once, as
 * the other writer's.
 */
function refoldAfter<D extends StateDocument>(unsure: Unsure, stored: ReadonlyMap<string, D>): string[] {
  const lost = [...unsure.written].filter(([id, hash]) => stored.get(id)?._h !== hash).map(([id]) => id);
  if (unsure.failed !== null && lost.length < unsure.failed) return [...unsure.written.keys()];
  return lost;
}
