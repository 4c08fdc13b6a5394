import type { Db } from 'mongodb';
import { foldDocuments } from '@wabus/dedup';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import type { ConsumedRecord, ConsumerHandler } from '@wabus/kafka';
import { invalidStatusEvent } from './errors.ts';
import { evolveStatus } from './evolve-status.ts';
import type { StatusDocument } from './status-document.ts';
import { readStatusFact, type StatusFact } from './status-fact.ts';
import { ensureStatusIndexes, STATUSES_COLLECTION } from './status-indexes.ts';

export interface GroupedFacts {
  /** Facts per message id, in offset order (the fold does not need it, but it costs nothing). */
  byId: Map<string, StatusFact[]>;
  rejected: { offset: string; error: Error }[];
  /** Records of other kinds: applied, changing nothing here. */
  ignored: number;
}

/** Pure: sorts a batch into facts per message, records to dead-letter, and records that are not statuses. */
export function groupStatusFacts(records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event'>[]): GroupedFacts {
  const byId = new Map<string, StatusFact[]>();
  const rejected: GroupedFacts['rejected'] = [];
  let ignored = 0;
  for (const r of records) {
    const read = readStatusFact(r.event);
    if (read.kind === 'ignored') ignored++;
    else if (read.kind === 'invalid') rejected.push({ offset: r.offset, error: invalidStatusEvent(read.reason) });
    else {
      const list = byId.get(read.fact.id);
      if (list) list.push(read.fact);
      else byId.set(read.fact.id, [read.fact]);
    }
  }
  return { byId, rejected, ignored };
}

/**
 * The status-tracker's whole Kafka-facing code. Each batch is one fold over the touched documents: one read, one
 * bulk write of the changed ones, conditional on their content hash. Store errors propagate (the runtime pauses
 * the partition and retries); nothing is remembered outside the documents themselves.
 */
export async function createStatusHandler(db: Db): Promise<ConsumerHandler<WhatsAppEvent>> {
  const statuses = db.collection<StatusDocument>(STATUSES_COLLECTION);
  await ensureStatusIndexes(statuses);
  return {
    decode: (value) => decodeEvent(value),
    async handleBatch(records) {
      const { byId, rejected } = groupStatusFacts(records);
      const folded = byId.size === 0 ? { unchanged: 0 } : await foldDocuments(statuses, byId, evolveStatus);
      return { rejected, duplicates: folded.unchanged };
    },
  };
}
