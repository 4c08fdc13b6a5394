// Integration fixtures: the topics of one consumer service for one test, and that service running in-process through
// packages/consumer-service (its events runtime and its redrive runtime, `<group>.redrive`), with a handler that
// folds events into Mongo like the real services do (packages/projection) and that has a "bug" a test can fix.
import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConsumerConfig, startConsumerService, type ConsumerService } from '@wabus/consumer-service';
import { projection, type StateDocument } from '@wabus/projection';
import { encodeEvent, type WhatsAppEvent } from '@wabus/events';
import { createKafka, EventRejectedError, type ConsumedRecord, createTopicsAndWait } from '@wabus/kafka';
import { produceRecords, testDatabase, testEnv, uniqueName } from '@wabus/testing';
import { eventHeaders } from './test-dead-letter.test-support.ts';

export const SERVICE = 'message-store';

export interface OpsTopics {
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  redriveTopic: string;
  ledgerTopic: string;
}

/** Events, DLQ, redrive and (compacted) actions topics named as the services and the CLI derive them from `topic`. */
export async function createOpsTopics(t: TestContext): Promise<OpsTopics> {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'ops-test' });
  const topic = uniqueName('ops.events');
  const names = { topic, dlqTopic: `${topic}.dlq.${SERVICE}`, redriveTopic: `${topic}.redrive.${SERVICE}`, ledgerTopic: `${topic}.actions` };
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic, numPartitions: 3 },
      { topic: names.dlqTopic, numPartitions: 1 },
      { topic: names.redriveTopic, numPartitions: 3 },
      { topic: names.ledgerTopic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
    await admin.disconnect();
  });
  return { kafka, ...names };
}

export const produceEvents = (o: OpsTopics, events: readonly WhatsAppEvent[]) =>
  produceRecords(
    o.kafka,
    o.topic,
    events.map((e) => ({ key: e.key, value: encodeEvent(e), headers: eventHeaders(e) })),
  );

/** One document per conversation: the ids of the events applied to it, each once (an idempotent evolve). */
export interface ConversationDoc extends StateDocument {
  eventIds: string[];
}

export interface TestService {
  service: ConsumerService;
  groupId: string;
  database: string;
  lagUrl: string;
  /** The bug: while true, stickers are rejected as invalid (dead-lettered). */
  behaviour: { rejectStickers: boolean };
  /** Applied and deduplicated records, as the runtimes report them. */
  counts: { applied: number; duplicates: number };
  conversation(key: string): Promise<ConversationDoc | null>;
  /** Stops the service (otherwise stopped after the test). */
  stop(): Promise<void>;
}

export async function startTestService(
  t: TestContext,
  o: OpsTopics,
  opts: { rejectStickers: boolean; groupId?: string; database?: string },
): Promise<TestService> {
  const { kafkaBrokers, mongoUri } = testEnv();
  const groupId = opts.groupId ?? uniqueName('ops.group');
  const database = opts.database ?? testDatabase(t, { prefix: 'ops' });
  const behaviour = { rejectStickers: opts.rejectStickers };
  const counts = { applied: 0, duplicates: 0 };
  const config = loadConsumerConfig(
    { name: SERVICE, port: 1, portEnv: 'OPS_TEST_PORT' },
    {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGODB_URI: mongoUri,
      WABUS_EVENTS_TOPIC: o.topic,
      WABUS_GROUP_ID: groupId,
      WABUS_DLQ_TOPIC: o.dlqTopic,
      WABUS_DATABASE: database,
      HOST: '127.0.0.1',
      OPS_TEST_PORT: '0',
      LOG_LEVEL: 'silent',
    },
  );
  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE,
    config,
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    observer: {
      applied: (_kind, n, duplicates) => {
        counts.applied += n;
        counts.duplicates += duplicates;
      },
    },
    handler: async (db) => {
      const conversations = projection({
        collection: db.collection<ConversationDoc>('conversations'),
        factsOf: (r: ConsumedRecord<WhatsAppEvent>) => [{ id: r.event.key, fact: r.event }],
        evolve: (current: ConversationDoc | null, e: WhatsAppEvent) =>
          current?.eventIds.includes(e.eventId) ? current : { _id: e.key, eventIds: [...(current?.eventIds ?? []), e.eventId] },
      });
      return {
        handleBatch: async (records: ConsumedRecord<WhatsAppEvent>[]) => {
          const rejected = records.filter((r) => behaviour.rejectStickers && r.event.itemType === 'sticker');
          const applied = records.filter((r) => !rejected.includes(r));
          const outcomes = await conversations.apply(applied);
          return {
            rejected: rejected.map((r) => ({ offset: r.offset, error: new EventRejectedError('stickers are not supported (yet)') })),
            duplicateOffsets: applied.filter((_, i) => outcomes[i] === 'duplicate').map((r) => r.offset),
          };
        },
      };
    },
  });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await service.stop();
  });
  const mongo = new MongoClient(mongoUri);
  await mongo.connect();
  t.after(() => mongo.close());
  const { port } = service.app.server.address() as AddressInfo;
  return {
    async stop() {
      stopped = true;
      await service.stop();
    },
    service,
    groupId,
    database,
    lagUrl: `http://127.0.0.1:${port}/v1/lag`,
    behaviour,
    counts,
    conversation: (key) => mongo.db(database).collection<ConversationDoc>('conversations').findOne({ _id: key }),
  };
}
