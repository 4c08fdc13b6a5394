import type { AnyBulkWriteOperation, BulkWriteOptions, BulkWriteResult, Collection, Filter, FindOptions } from 'mongodb';
import type { StateDocument } from '@wabus/projection';

/** One document write the store acknowledged: the version it replaced (null for an insert) and the one it wrote. */
export interface DocumentWrite<D> {
  before: D | null;
  after: D;
}

interface PendingWrite<D> extends DocumentWrite<D> {
  id: string;
  insert: boolean;
}

/**
 * Writes of one bulk whose outcome the store did not tell. `failed`: how many of them did not land (a bulk answered
 * with fewer matches than replaces); null: unknown (the bulk was cut by an error, any part may have landed).
 */
interface Unsettled<D> {
  writes: PendingWrite<D>[];
  failed: number | null;
}

/** Unsettled writes kept at most (beyond: their documents were never read again, e.g. after a rebalance). */
const MAX_UNSETTLED = 10_000;

const idsOf = (filter: unknown): string[] => {
  const $in = (filter as { _id?: { $in?: unknown } } | undefined)?._id?.$in;
  return Array.isArray($in) ? $in.map(String) : [];
};

const writeOf = <D extends StateDocument>(op: AnyBulkWriteOperation<D>, read: ReadonlyMap<string, D>): PendingWrite<D> | null => {
  if ('insertOne' in op) {
    const after = op.insertOne.document as D;
    return { id: String(after._id), insert: true, before: null, after };
  }
  if ('replaceOne' in op) {
    const id = String((op.replaceOne.filter as { _id?: unknown })._id);
    return { id, insert: false, before: read.get(id) ?? null, after: op.replaceOne.replacement as D };
  }
  return null;
};

/**
 * Reports the document writes of `foldDocuments` that the store acknowledged, each with the version it replaced.
 * The fold writes a document only when its content changed, and only on condition that the stored version is still
 * the one it read; so the stored versions of a document form one chain, and each link is reported once, by the
 * process that made it, however often the same events come again (they change nothing, so nothing is written).
 *
 * `watch(collection)` is the view one fold reads and writes through (each fold gets its own). The store does not
 * always say which writes landed, and those are settled when their documents are read again (the fold re-reads
 * conflicting ones at once; the runtime retries a batch whose write failed):
 * - a bulk answered with fewer matches than replaces (another writer got there first): a replace whose document
 *   now differs from what it wrote failed; if that accounts for every failure, the others landed; otherwise the
 *   ones left are identical to what another writer wrote and reported, and are not reported again;
 * - a bulk cut by an error: a write landed if the store holds exactly what it wrote.
 */
export function createWriteWatch<D extends StateDocument>(onWrite: (w: DocumentWrite<D>) => void) {
  const unsettled = new Map<string, Unsettled<D>>();

  const report = (w: PendingWrite<D>) => onWrite({ before: w.before, after: w.after });
  const leave = (writes: PendingWrite<D>[], failed: number | null) => {
    if (writes.length === 0) return;
    const entry = { writes, failed };
    for (const w of writes) unsettled.set(w.id, entry);
    for (const id of unsettled.keys()) {
      if (unsettled.size <= MAX_UNSETTLED) break;
      unsettled.delete(id);
    }
  };

  function settle(ids: readonly string[], stored: ReadonlyMap<string, D>): void {
    const entries = new Set(ids.flatMap((id) => unsettled.get(id) ?? []));
    const readNow = new Set(ids);
    for (const entry of entries) {
      const seen = entry.writes.filter((w) => readNow.has(w.id));
      for (const w of seen) unsettled.delete(w.id);
      const holds = (w: PendingWrite<D>) => stored.get(w.id)?._h === w.after._h;
      if (entry.failed === null) {
        for (const w of seen) if (holds(w)) report(w);
      } else if (seen.length === entry.writes.length && seen.filter((w) => !holds(w)).length === entry.failed) {
        for (const w of seen) if (holds(w)) report(w);
      }
    }
  }

  return {
    /** Writes not settled yet (for tests). */
    unsettled: (): number => unsettled.size,
    watch(collection: Collection<D>): Collection<D> {
      let read = new Map<string, D>();
      const view = {
        find(filter: Filter<D>, options?: FindOptions) {
          const cursor = collection.find(filter, options);
          return {
            async toArray(): Promise<D[]> {
              const docs = (await cursor.toArray()) as D[];
              read = new Map(docs.map((d) => [String(d._id), d]));
              settle(idsOf(filter), read);
              return docs;
            },
          };
        },
        async bulkWrite(ops: AnyBulkWriteOperation<D>[], options?: BulkWriteOptions): Promise<BulkWriteResult> {
          const writes = ops.map((op) => writeOf(op, read));
          const inserts = writes.filter((w): w is PendingWrite<D> => w !== null && w.insert);
          const replaces = writes.filter((w): w is PendingWrite<D> => w !== null && !w.insert);
          let result: BulkWriteResult;
          try {
            result = await collection.bulkWrite(ops, options);
          } catch (err) {
            const e = err as { writeErrors?: { index: number; code?: number }[]; result?: { matchedCount?: unknown } };
            const writeErrors = e.writeErrors ?? [];
            const matched = e.result?.matchedCount;
            if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000) || typeof matched !== 'number') {
              leave([...inserts, ...replaces], null);
            } else {
              // Inserts that lost a race to another writer's insert are listed; the rest of the bulk went through.
              const lost = new Set(writeErrors.map((w) => writes[w.index]));
              for (const w of inserts) if (!lost.has(w)) report(w);
              leave(replaces, replaces.length - matched);
            }
            throw err;
          }
          for (const w of inserts) report(w);
          if (result.matchedCount === replaces.length) for (const w of replaces) report(w);
          else leave(replaces, replaces.length - result.matchedCount);
          return result;
        },
      };
      return view as unknown as Collection<D>;
    },
  };
}
