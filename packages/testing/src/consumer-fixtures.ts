import type { TestContext } from 'node:test';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { MongoClient } from 'mongodb';
import { createProducer, createTopicsAndWait } from '@wabus/kafka';
import { testEnv, uniqueName } from './test-env.ts';

/** An events topic and its dead-letter topic for one test, both deleted after it. */
export async function createEventTopics(
  t: TestContext,
  kafka: Kafka,
  opts: { prefix: string; partitions?: number; maxMessageBytes?: number },
): Promise<{ topic: string; dlqTopic: string }> {
  const topic = uniqueName(opts.prefix);
  const dlqTopic = `${topic}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  const configEntries = opts.maxMessageBytes === undefined ? [] : [{ name: 'max.message.bytes', value: String(opts.maxMessageBytes) }];
  await createTopicsAndWait(admin, {
    topics: [
      { topic, numPartitions: opts.partitions ?? 3, configEntries },
      { topic: dlqTopic, numPartitions: 1, configEntries },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic, dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return { topic, dlqTopic };
}

export interface RecordToProduce {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/**
 * Produces records in order with the idempotent producer, in chunks of at most 2,000 records and 512 KB (a batch
 * must fit the test broker's 1 MiB segments), and waits for every acknowledgement.
 */
export async function produceRecords(kafka: Kafka, topic: string, records: readonly RecordToProduce[]): Promise<void> {
  const producer = createProducer(kafka);
  try {
    for (let i = 0; i < records.length;) {
      let bytes = 0;
      let end = i;
      while (end < records.length && end - i < 2_000 && (end === i || bytes + records[end]!.value.length <= 512 * 1024)) bytes += records[end++]!.value.length;
      const messages = records.slice(i, end).map((r) => ({ key: r.key, value: r.value, ...(r.headers ? { headers: r.headers } : {}) }));
      await producer.send([{ topic, messages }]);
      i = end;
    }
  } finally {
    await producer.close();
  }
}

/** A database name for one test, dropped after it through a client of its own (the service may be stopped by then). */
export function testDatabase(t: TestContext, opts: { prefix: string; uri?: string }): string {
  const name = uniqueName(opts.prefix);
  t.after(async () => {
    const client = new MongoClient(opts.uri ?? testEnv().mongoUri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    await client
      .db(name)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
  });
  return name;
}

/** A client on the shared test store, closed after the test: for reading what service processes wrote. */
export async function testMongoClient(t: TestContext, uri = testEnv().mongoUri): Promise<MongoClient> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  t.after(() => client.close());
  return client;
}
