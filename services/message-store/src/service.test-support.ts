// Integration helpers: a topic pair per test, events from the simulator, and the service in-process on its own
// group and database, all removed in t.after.
import type { TestContext } from 'node:test';
import { BSON, MongoClient, type Db, type Document } from 'mongodb';
import { pino } from 'pino';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { serviceFacts } from '@wabus/service/registry';
import { loadConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import { encodeEvent, explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { createProducer, createKafka, createTopicsAndWait } from '@wabus/kafka';
import { createBodyGenerator } from '@wabus/simulator';
import { testEnv, uniqueName } from '@wabus/testing';
import { SERVICE_NAME, startMessageStore } from './start-message-store.ts';

export interface TestTopics {
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  /** Produces events (key = conversation, value = Avro) or raw values, in the given order, acks=all. */
  produce(values: (WhatsAppEvent | { key: string; value: Buffer })[]): Promise<void>;
}

export async function createTopics(t: TestContext, partitions = 3): Promise<TestTopics> {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'message-store-test' });
  const topic = uniqueName('ms.events');
  const dlqTopic = `${topic}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic, numPartitions: partitions },
      { topic: dlqTopic, numPartitions: 1 },
    ],
  });
  const producer = createProducer(kafka);
  t.after(async () => {
    await producer.close();
    await admin.deleteTopics({ topics: [topic, dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return {
    kafka,
    topic,
    dlqTopic,
    async produce(values) {
      for (let i = 0; i < values.length; i += 1_000) {
        const messages = values.slice(i, i + 1_000).map((v) => ('eventId' in v ? { key: v.key, value: encodeEvent(v) } : v));
        await producer.send([{ topic, messages }]);
      }
    },
  };
}

/** Events of `bodies` simulated webhook bodies (seeded: the same seed gives the same events). */
export function simulatedEvents(opts: { seed: string; bodies: number; kinds: string[]; batch?: number; customers?: number }): WhatsAppEvent[] {
  const gen = createBodyGenerator({
    seed: opts.seed,
    kinds: opts.kinds,
    mix: 'uniform',
    batch: opts.batch ?? 8,
    customers: opts.customers ?? 20,
    now: () => 1_700_000_000_000,
  });
  const events: WhatsAppEvent[] = [];
  for (let i = 0; i < opts.bodies; i++) {
    const result = explodeWebhook(gen.next().body, { receivedAt: 1_700_000_000_000 + i });
    if (!result.ok) throw new Error(`simulated body does not explode: ${result.reason}`);
    events.push(...result.events);
  }
  return events;
}

/** The environment main.ts reads, for this test's topics, group and database. */
export function serviceEnv(
  topics: Pick<TestTopics, 'topic' | 'dlqTopic'>,
  o: { groupId: string; database: string; mongoUri?: string; maxBatch?: number; sessionTimeoutMs?: number },
): NodeJS.ProcessEnv {
  const { kafkaBrokers, mongoUri } = testEnv();
  return {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGODB_URI: o.mongoUri ?? mongoUri,
    WABUS_EVENTS_TOPIC: topics.topic,
    WABUS_DLQ_TOPIC: topics.dlqTopic,
    WABUS_GROUP_ID: o.groupId,
    WABUS_DATABASE: o.database,
    WABUS_MAX_BATCH: String(o.maxBatch ?? 500),
    WABUS_SESSION_TIMEOUT_MS: String(o.sessionTimeoutMs ?? 30_000),
    HOST: '127.0.0.1',
    MESSAGE_STORE_PORT: '0',
    LOG_LEVEL: 'silent',
  };
}

/** The service in-process; stopped (and its database dropped unless `keepDatabase`) in t.after. */
export async function startService(
  t: TestContext,
  topics: Pick<TestTopics, 'topic' | 'dlqTopic'>,
  o: { database?: string; groupId?: string; mongoUri?: string; keepDatabase?: boolean; maxBatch?: number; sessionTimeoutMs?: number } = {},
): Promise<ConsumerService> {
  const { database = uniqueName('ms_db').replaceAll('-', '_'), groupId = uniqueName('ms.group'), keepDatabase: _keep, ...rest } = o;
  const env = serviceEnv(topics, { groupId, database, ...rest });
  const config = loadConsumerConfig(serviceFacts(SERVICE_NAME), env);
  const service = await startMessageStore({ config, logger: pino({ level: 'silent' }) });
  t.after(async () => {
    if (!o.keepDatabase) await service.db.dropDatabase().catch(() => undefined);
    await service.stop();
  });
  return service;
}

/** A client on the shared test store for a database a test reads or drops itself. */
export async function openDb(t: TestContext, database: string): Promise<Db> {
  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  const db = client.db(database);
  t.after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });
  return db;
}

/** Every document of both collections, by _id, as BSON bytes (hex): equal strings ⇔ byte-identical documents. */
export async function snapshot(db: Db, strip: (doc: Document) => Document = (d) => d): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of ['messages', 'conversations']) {
    const docs = await db.collection(name).find().sort({ _id: 1 }).toArray();
    out[name] = docs.map((d) => Buffer.from(BSON.serialize(strip(d))).toString('hex'));
  }
  return out;
}

export const withoutBookkeeping = (doc: Document): Document => {
  const { _h: _hash, _sys: _bookkeeping, ...rest } = doc;
  return rest;
};
