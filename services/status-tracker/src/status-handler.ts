import type { Db } from 'mongodb';
import { contentHash, foldDocuments } from '@wabus/projection';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import type { ConsumedRecord, ConsumerHandler } from '@wabus/kafka';
import { invalidStatusEvent } from './errors.ts';
import { evolveStatus } from './evolve-status.ts';
import type { StatusDocument } from './status-document.ts';
import { learnedDurations } from './status-durations.ts';
import { readStatusFact, type StatusFact } from './status-fact.ts';
import { ensureStatusIndexes, STATUSES_COLLECTION } from './status-indexes.ts';
import type { StatusObserver } from './status-observer.ts';
import { createWriteWatch } from './write-watch.ts';

export interface GroupedFacts {
  /** Facts per message id, in offset order (the fold does not need it, but it costs nothing). */
  byId: Map<string, StatusFact[]>;
  /** The offset of each fact's record. */
  offsets: Map<StatusFact, string>;
  rejected: { offset: string; error: Error }[];
  /** Records of other kinds: applied, changing nothing here. */
  ignored: number;
}

/** Pure: sorts a batch into facts per message, records to dead-letter, and records that are not statuses. */
export function groupStatusFacts(records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event'>[]): GroupedFacts {
  const byId = new Map<string, StatusFact[]>();
  const offsets = new Map<StatusFact, string>();
  const rejected: GroupedFacts['rejected'] = [];
  let ignored = 0;
  for (const r of records) {
    const read = readStatusFact(r.event);
    if (read.kind === 'ignored') ignored++;
    else if (read.kind === 'invalid') rejected.push({ offset: r.offset, error: invalidStatusEvent(read.reason) });
    else {
      offsets.set(read.fact, r.offset);
      const list = byId.get(read.fact.id);
      if (list) list.push(read.fact);
      else byId.set(read.fact.id, [read.fact]);
    }
  }
  return { byId, offsets, rejected, ignored };
}

/**
 * The status-tracker's whole Kafka-facing code. Each batch is one fold over the touched documents: one read, one
 * bulk write of the changed ones, conditional on their content hash. Store errors propagate (the runtime pauses
 * the partition and retries); nothing is remembered outside the documents themselves. Delivery times are observed
 * from the writes the store acknowledged, so each message's are observed once, whatever comes again.
 */
export async function createStatusHandler(db: Db, observer: StatusObserver = {}): Promise<ConsumerHandler<WhatsAppEvent>> {
  const statuses = db.collection<StatusDocument>(STATUSES_COLLECTION);
  await ensureStatusIndexes(statuses);
  const writes = createWriteWatch<StatusDocument>(({ before, after }) => {
    const learned = learnedDurations(before, after);
    if (learned.sentToDelivered !== null) observer.sentToDelivered?.(learned.sentToDelivered);
    if (learned.sentToRead !== null) observer.sentToRead?.(learned.sentToRead);
  });
  return {
    decode: (value) => decodeEvent(value),
    async handleBatch(records) {
      const { byId, offsets, rejected } = groupStatusFacts(records);
      if (byId.size === 0) return { rejected, duplicateOffsets: [] };
      // Which facts changed their document (in any round of the fold): the others are duplicates, counted per record
      // so the runtime can count them by kind. A stored document's `_h` is its content hash.
      const changed = new Set<StatusFact>();
      const hashes = new WeakMap<StatusDocument, string>();
      await foldDocuments(writes.watch(statuses), byId, (doc: StatusDocument | null, fact: StatusFact) => {
        const next = evolveStatus(doc, fact);
        const hash = contentHash(next);
        hashes.set(next, hash);
        if (doc === null || hash !== (hashes.get(doc) ?? doc._h ?? contentHash(doc))) changed.add(fact);
        return next;
      });
      return { rejected, duplicateOffsets: [...offsets].flatMap(([fact, offset]) => (changed.has(fact) ? [] : [offset])) };
    },
  };
}
