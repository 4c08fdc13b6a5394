import { trace, type Tracer } from '@opentelemetry/api';
import type { Db } from 'mongodb';
import type { ServiceHandler } from '@wabus/consumer-service';
import { projection, type Located } from '@wabus/projection';
import type { ConsumedRecord } from '@wabus/kafka';
import type { WhatsAppEvent } from '@wabus/events';
import { invalidStatusEvent } from './errors.ts';
import { evolveStatus } from './evolve-status.ts';
import type { StatusDocument } from './status-document.ts';
import { learnedDurations } from './status-durations.ts';
import { createSendSpans } from './send-spans.ts';
import { readStatusFact, type StatusFact } from './status-fact.ts';
import { ensureStatusIndexes, STATUSES_COLLECTION } from './status-indexes.ts';
import type { StatusObserver } from './status-observer.ts';
import { createWriteWatch } from './write-watch.ts';

/** A record as the statuses projection sees it: its status fact, filed under its message (none for other kinds). */
export interface StatusRecord {
  offset: string;
  facts: Located<StatusFact>[];
}

/** Pure: each record's fact, and the records to dead-letter (a status without a message id). */
export function readStatusRecords(records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event'>[]): {
  read: StatusRecord[];
  rejected: { offset: string; error: Error }[];
} {
  const rejected: { offset: string; error: Error }[] = [];
  const read = records.map(({ offset, event }): StatusRecord => {
    const r = readStatusFact(event);
    if (r.kind === 'invalid') rejected.push({ offset, error: invalidStatusEvent(r.reason) });
    return { offset, facts: r.kind === 'fact' ? [{ id: r.fact.id, fact: r.fact }] : [] };
  });
  return { read, rejected };
}

/**
 * The status-tracker's whole Kafka-facing code. Each batch is one projection over the touched documents: one read,
 * one bulk write of the changed ones, conditional on their content hash; a record whose fact changed nothing is a
 * duplicate (docs/projections.md). Store errors propagate (the runtime pauses the partition and retries); nothing is
 * remembered outside the documents themselves. Delivery times (and the span links to a message's send) are observed
 * from the writes the store acknowledged, so each message's are observed once, whatever comes again.
 */
export async function createStatusHandler(
  db: Db,
  observer: StatusObserver = {},
  tracer: Tracer = trace.getTracer('@wabus/status-tracker'),
): Promise<ServiceHandler> {
  const spans = createSendSpans(tracer);
  const statuses = db.collection<StatusDocument>(STATUSES_COLLECTION);
  await ensureStatusIndexes(statuses);
  const writes = createWriteWatch<StatusDocument>((w) => {
    const { before, after } = w;
    spans.statusesWritten(w);
    const learned = learnedDurations(before, after);
    if (learned.sentToDelivered !== null) observer.sentToDelivered?.(learned.sentToDelivered);
    if (learned.sentToRead !== null) observer.sentToRead?.(learned.sentToRead);
  });
  return {
    async handleBatch(records) {
      const { read, rejected } = readStatusRecords(records);
      // Each fold reads and writes through a view of its own (the write watch settles its writes per view).
      const statusProjection = projection({ collection: writes.watch(statuses), factsOf: (r: StatusRecord) => r.facts, evolve: evolveStatus });
      const outcomes = await statusProjection.apply(read);
      return { rejected, duplicateOffsets: read.filter((_, i) => outcomes[i] === 'duplicate').map((r) => r.offset) };
    },
  };
}
