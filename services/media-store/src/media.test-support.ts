import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { loadConsumerConfig } from '@wabus/consumer-service';
import { createKafka, type KafkaClient } from '@wabus/kafka';
import { serviceFacts } from '@wabus/service/registry';
import { startGraphApiStandIn, type GraphApiStandIn, type GraphApiStandInOptions } from '@wabus/standins';
import { createEventTopics, ingressRecords, mediaBody, stopAfterTest, testDatabase, testEnv, uniqueName, type RecordToProduce } from '@wabus/testing';
import { loadMediaConfig } from './media-config.ts';
import { mediaOf } from './media-collection.ts';
import type { MediaDocument } from './media-document.ts';
import { SERVICE_NAME, startMediaStore, type MediaStoreService } from './start-media-store.ts';

export const TOKEN = 'media-test-token';

export const testKafka = (): KafkaClient => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'media-store-test' });

/** An events topic, its DLQ and a database for one test, all removed after it. */
export async function mediaFixture(t: TestContext, kafka: KafkaClient, partitions = 1) {
  const topics = await createEventTopics(t, kafka, { prefix: 'media.events', partitions });
  return { ...topics, database: testDatabase(t, { prefix: 'media' }) };
}

/** A directory for the fs backend, removed after the test. */
export function mediaDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wabus-media-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The stand-in with this test's token; closed after the test. */
export async function graphStandIn(t: TestContext, o: GraphApiStandInOptions = {}): Promise<GraphApiStandIn> {
  const s = await startGraphApiStandIn({ accessToken: TOKEN, ...o });
  t.after(() => s.close());
  return s;
}

/** The environment main.ts reads, for the test's topic, group, database, stand-in and store. */
export function mediaEnv(o: {
  topic: string;
  dlqTopic: string;
  database: string;
  graphUrl: string;
  groupId?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    MEDIA_STORE_PORT: '0',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: o.topic,
    WABUS_DLQ_TOPIC: o.dlqTopic,
    WABUS_GROUP_ID: o.groupId ?? uniqueName('media.group'),
    WABUS_DATABASE: o.database,
    WHATSAPP_GRAPH_BASE_URL: o.graphUrl,
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    MEDIA_RETRY_INITIAL_MS: '100',
    MEDIA_RETRY_MAX_MS: '1000',
    LOG_LEVEL: 'silent',
    ...o.extra,
  };
}

/** media-store in process, started as main.ts starts it. */
export async function startMedia(t: TestContext, env: Record<string, string>): Promise<MediaStoreService> {
  const consumer = loadConsumerConfig(serviceFacts(SERVICE_NAME), env);
  return stopAfterTest(t, await startMediaStore({ consumer, config: loadMediaConfig(env), logger: pino({ level: 'silent' }) }));
}

export const mediaRecords = (o: Parameters<typeof mediaBody>[0], headers?: Record<string, string>): RecordToProduce[] =>
  ingressRecords(mediaBody(o), Date.now(), headers);

export const mediaDoc = (svc: MediaStoreService, id: string): Promise<MediaDocument | null> => mediaOf(svc.db).findOne({ _id: id });

/** Every file under a directory, relative paths (what a reader of the fs store could see). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
