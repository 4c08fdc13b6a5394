import { trace, type Tracer } from '@opentelemetry/api';
import type { Db } from 'mongodb';
import { readSendEvent, type ReadSendEvent } from '@wabus/events';
import type { ConsumerHandler } from '@wabus/kafka';
import { projection, type Located } from '@wabus/projection';
import { evolveSend } from './evolve-status.ts';
import { readSendFact, type SendFact } from './send-fact.ts';
import { createSendSpans } from './send-spans.ts';
import type { StatusDocument } from './status-document.ts';
import { ensureStatusIndexes, STATUSES_COLLECTION } from './status-indexes.ts';
import type { StatusObserver } from './status-observer.ts';
import { createWriteWatch } from './write-watch.ts';

interface SendRecord {
  offset: string;
  facts: Located<SendFact>[];
}

/**
 * status-tracker's second consumer: `whatsapp.sends.v1` (its own group, `<group>.sends`). Each sent send is folded
 * into its message's document (by wamid) with `evolveSend`, the same join as the statuses', so sends and statuses
 * may arrive in any order, any number of times. Failed and unknown sends (and read marks) name no wamid: nothing to
 * join, skipped. A record that is not a send event is counted and skipped with a log line, never dead-lettered: the
 * dead-letter tools redrive Avro events into the events topic, where a send record does not belong, and a later
 * record of the partition must not wait for it.
 */
export async function createSendsHandler(db: Db, o: { observer?: StatusObserver; tracer?: Tracer } = {}): Promise<ConsumerHandler<ReadSendEvent>> {
  const statuses = db.collection<StatusDocument>(STATUSES_COLLECTION);
  await ensureStatusIndexes(statuses);
  const spans = createSendSpans(o.tracer ?? trace.getTracer('@wabus/status-tracker'));
  const writes = createWriteWatch<StatusDocument>(spans.sendWritten);
  return {
    decode: (value, headers) => readSendEvent(value, headers),
    async handleBatch(records, ctx) {
      const read = records.map((r) => ({ offset: r.offset, read: readSendFact(r.event) }));
      const sends = projection({
        collection: writes.watch(statuses),
        factsOf: (r: SendRecord) => r.facts,
        evolve: evolveSend,
      });
      const byRecord = read.map(({ offset, read: f }): SendRecord => ({ offset, facts: f.kind === 'fact' ? [{ id: f.fact.wamid, fact: f.fact }] : [] }));
      const outcomes = await sends.apply(byRecord);
      // Counted once the batch is durable: a batch retried after a store error counts once.
      for (const { offset, read: f } of read) {
        if (f.kind === 'fact') continue;
        o.observer?.sendSkipped?.(f.kind);
        if (f.kind === 'malformed')
          ctx.log.warn({ partition: ctx.partition, offset, code: 'WABUS_EVENTS_BAD_SEND_EVENT', reason: f.reason }, 'send record skipped');
      }
      return { duplicateOffsets: byRecord.filter((_, i) => outcomes[i] === 'duplicate').map((r) => r.offset) };
    },
  };
}
