import type { KafkaAdmin as Admin, KafkaClient as Kafka } from '@wabus/kafka';
import { headerText } from '@wabus/kafka';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** Current end offsets of every partition: the "written so far" signal tests wait on instead of sleeping. */
export async function highWatermarks(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}

/**
 * Reads every record of `topic` from the beginning up to the high watermarks at call time, with a throwaway
 * consumer group. Resolves when each partition reached its watermark; rejects after `timeoutMs`.
 */
export async function readTopic(kafka: Kafka, topic: string, opts: { timeoutMs?: number } = {}): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let targets: Map<number, bigint>;
  try {
    targets = await highWatermarks(admin, topic);
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...targets].filter(([, high]) => high > 0n).map(([p]) => p));
  const records: ReadRecord[] = [];
  if (pending.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}-${Math.random().toString(36).slice(2)}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`readTopic(${topic}): partitions ${[...pending].join(',')} not read up within ${opts.timeoutMs ?? 20_000} ms`)),
        opts.timeoutMs ?? 20_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const target = targets.get(partition) ?? 0n;
            if (BigInt(message.offset) < target) {
              records.push({
                partition,
                offset: message.offset,
                key: message.key ? message.key.toString('utf8') : null,
                value: message.value,
                headers: headerText(message.headers),
                timestamp: message.timestamp,
              });
            }
            if (BigInt(message.offset) + 1n >= target && pending.delete(partition) && pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
