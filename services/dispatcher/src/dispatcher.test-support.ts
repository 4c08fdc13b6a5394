import type { TestContext } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import { createKafka, type KafkaClient } from '@wabus/kafka';
import { createGenContext, createRng, createWorld, generateItem, type BusinessNumber } from '@wabus/simulator';
import type { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { loadConsumerConfig } from '@wabus/consumer-service';
import { serviceFacts } from '@wabus/service/registry';
import { deliverItems, readScrape, stopAfterTest, testEnv, uniqueName, type RecordToProduce } from '@wabus/testing';
import { loadDispatcherConfig } from './dispatcher-config.ts';
import { SERVICE_NAME, startDispatcher, type DispatcherService } from './start-dispatcher.ts';
import { QUEUE_PREFIX, type Delivery } from './delivery-queue.ts';

export const SECRET = 'dispatcher-test-secret-0123456789';

export const testKafka = (): KafkaClient => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'dispatcher-test' });

/** A mixed workload over two business numbers: texts, images, echoes and statuses, shuffled, with Meta's retries. */
export function mixedWorkload(
  seed: string,
  items: number,
  customers = 12,
): { records: RecordToProduce[]; events: WhatsAppEvent[]; a: BusinessNumber; b: BusinessNumber } {
  const rng = createRng(seed);
  const world = createWorld(rng.fork('world'), { customers, wabas: 1, numbersPerWaba: 2 });
  let clock = Date.UTC(2026, 11, 6, 9);
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => clock });
  const kinds = ['text', 'text', 'text', 'image', 'echo', 'status_read'] as const;
  const list = Array.from({ length: items }, () => ((clock += rng.int(0, 5) * 1000), generateItem(ctx, rng.pick(kinds))));
  const records = deliverItems(list, { seed: `${seed}-order`, maxPerBody: 3, retryShare: 0.3 });
  return { records, events: records.map((r) => decodeEvent(r.value)), a: world.businesses[0]!, b: world.businesses[1]! };
}

/** A subscriptions file in a fresh temporary directory. */
export async function subscriptionsFile(subscriptions: unknown[]): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'dispatcher-')), 'subscriptions.json');
  await writeFile(path, JSON.stringify({ subscriptions }));
  return path;
}

/** The environment of the dispatcher for one test (main.ts reads the same variables). */
export function dispatcherEnv(o: {
  topic: string;
  dlqTopic: string;
  database: string;
  port: number;
  groupId?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DISPATCHER_PORT: String(o.port),
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: o.topic,
    WABUS_DLQ_TOPIC: o.dlqTopic,
    WABUS_REDRIVE_TOPIC: '-',
    WABUS_GROUP_ID: o.groupId ?? uniqueName('dispatcher.group'),
    WABUS_DATABASE: o.database,
    LOG_LEVEL: 'warn',
    OTEL_TRACES_EXPORTER: 'none',
    DISPATCHER_POLL_MS: '50',
    DISPATCHER_REFRESH_MS: '500',
    DISPATCHER_BACKOFF_INITIAL_MS: '50',
    DISPATCHER_BACKOFF_MAX_MS: '500',
    ...o.extra,
  };
}

/** The deliveries of a database (of one subscription), in log order, read through the test's own client. */
export async function readDeliveries(mongo: MongoClient, database: string, subscriptionId?: string): Promise<Delivery[]> {
  const db = mongo.db(database);
  const names =
    subscriptionId === undefined
      ? (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith(QUEUE_PREFIX))
      : [`${QUEUE_PREFIX}${subscriptionId}`];
  const all = await Promise.all(names.map((n) => db.collection<Delivery>(n).find({}).toArray()));
  return all.flat().sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}

/** The dispatcher in process, started as main.ts starts it (same config loaders); stopped after the test. */
export async function startDispatcherInProcess(t: TestContext, env: Record<string, string>): Promise<DispatcherService> {
  const consumer = loadConsumerConfig(serviceFacts(SERVICE_NAME), env);
  return stopAfterTest(t, await startDispatcher({ consumer, dispatcher: loadDispatcherConfig(env), logger: pino({ level: env['LOG_LEVEL'] ?? 'silent' }) }));
}

/** One sample of the service's /metrics. */
export async function metric(service: DispatcherService, name: string, labels?: Record<string, string>): Promise<number> {
  const res = await service.app.inject({ method: 'GET', url: '/metrics' });
  return readScrape(res.body).value(name, labels);
}
