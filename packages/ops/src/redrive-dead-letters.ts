import type { KafkaAdmin as Admin, KafkaClient as Kafka } from '@wabus/kafka';
import { createProducer, keyPartition, type ProduceMessage, type Producer } from '@wabus/kafka';
import { ledgerMessage, type LedgerAction } from './action-ledger.ts';
import { REDRIVE_OF_HEADER, type DeadLetter } from './dead-letters.ts';
import { OpsError } from './errors.ts';
import { requireTopics } from './kafka-admin.ts';

/** The record a dead letter becomes on the redrive topic: original key, value and headers, plus where it came from. */
export function redriveMessage(entry: DeadLetter): ProduceMessage {
  const headers: Record<string, string> = { ...entry.originalHeaders, [REDRIVE_OF_HEADER]: entry.id };
  return { key: entry.key, value: entry.value, headers };
}

export interface RedriveOptions {
  redriveTopic: string;
  ledgerTopic: string;
  by: string;
  now: () => Date;
  /** Records per produce request (and per ledger write). */
  chunkSize?: number;
}

export interface Redriven {
  entry: DeadLetter;
  redriveTopic: string;
  redrivePartition: number;
  redriveOffset: string;
}

const CHUNK = 500;

/**
 * Produces each entry to the redrive topic (idempotent producer, acks=all), then, once acknowledged, records it in
 * the actions ledger. Chunk by chunk: a failure leaves every earlier chunk both re-driven and recorded, and names
 * what was re-driven but not recorded (re-driving those again is harmless: consumers deduplicate).
 */
export async function redriveDeadLetters(kafka: Kafka, admin: Admin, entries: readonly DeadLetter[], o: RedriveOptions): Promise<Redriven[]> {
  const omitted = entries.filter((e) => e.valueOmitted !== null);
  if (omitted.length > 0)
    throw new OpsError('WABUS_OPS_VALUE_OMITTED', {
      message: `${omitted.length} dead letter(s) have no value (too large for the dead-letter topic); nothing was re-driven. Replay the consumer over the source offsets instead (pnpm wabus replay reset --service S --from P=N --key K), or leave them out: ${omitted.map((e) => `${e.id} ← ${e.source.topic}/${e.source.partition}/${e.source.offset}`).join(', ')}`,
      details: { omitted: omitted.map((e) => ({ id: e.id, source: e.source, bytes: e.valueOmitted })) },
    });
  await requireTopics(admin, [o.redriveTopic, o.ledgerTopic]);
  const [meta] = (await admin.fetchTopicMetadata({ topics: [o.redriveTopic] })).topics;
  const partitions = meta?.partitions.length ?? 0;
  // The partition is chosen here (the same murmur2 partitioner the producer uses) so each record's offset is known.
  const producer = createProducer(kafka, { retries: 'until-delivered' });
  const done: Redriven[] = [];
  try {
    const size = o.chunkSize ?? CHUNK;
    for (let i = 0; i < entries.length; i += size) {
      const chunk = entries.slice(i, i + size);
      const messages = chunk.map((entry) => {
        const m = redriveMessage(entry);
        return { ...m, partition: keyPartition(m.key, partitions) };
      });
      const placed = await send(producer, o.redriveTopic, messages).catch((cause: unknown) => {
        throw new OpsError('WABUS_OPS_REDRIVE_FAILED', {
          message: `producing to ${o.redriveTopic} failed after ${done.length} of ${entries.length} re-drives: ${(cause as Error).message}`,
          cause,
          details: { redriven: done.map((d) => d.entry.id), notRedriven: entries.slice(i).map((e) => e.id) },
        });
      });
      const batch = chunk.map((entry, j) => ({ entry, redriveTopic: o.redriveTopic, redrivePartition: messages[j]!.partition, redriveOffset: placed[j]! }));
      const at = o.now().toISOString();
      const actions = batch.map((r) => {
        const action: LedgerAction = {
          action: 'redriven',
          at,
          by: o.by,
          redriveTopic: r.redriveTopic,
          redrivePartition: r.redrivePartition,
          redriveOffset: r.redriveOffset,
        };
        return ledgerMessage(r.entry.id, action);
      });
      await producer.send([{ topic: o.ledgerTopic, messages: actions }]).catch((cause: unknown) => {
        throw new OpsError('WABUS_OPS_LEDGER_WRITE_FAILED', {
          message: `re-drove ${batch.length} dead letter(s) but could not record it in ${o.ledgerTopic}: ${(cause as Error).message}`,
          cause,
          details: { redrivenNotRecorded: batch.map((b) => b.entry.id), redriven: done.map((d) => d.entry.id) },
        });
      });
      done.push(...batch);
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
  return done;
}

/** Sends messages with explicit partitions in one request; returns each message's offset. */
async function send(producer: Producer, topic: string, messages: (ProduceMessage & { partition: number })[]): Promise<string[]> {
  const placed = await producer.sendAlone([{ topic, messages }]);
  const base = new Map(placed.filter((p) => p.topic === topic).map((p) => [p.partition, BigInt(p.baseOffset)]));
  const seen = new Map<number, bigint>();
  return messages.map((m) => {
    const b = base.get(m.partition);
    if (b === undefined || b < 0n) throw new Error(`no offset acknowledged for partition ${m.partition}`);
    const n = seen.get(m.partition) ?? 0n;
    seen.set(m.partition, n + 1n);
    return (b + n).toString();
  });
}
