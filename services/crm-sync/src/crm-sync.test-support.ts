import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { Kafka } from 'kafkajs';
import { createConsumerMetrics, loadConsumerConfig, startConsumerService, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { createEventTopics, produceRecords, testDatabase as testDatabaseFor, testEnv, uniqueName, type RecordToProduce } from '@wabus/testing';
import { contactRoutes } from './contact-routes.ts';
import type { ContactDocument } from './contact-state.ts';
import { CONTACTS_COLLECTION } from './contact-store.ts';
import { authOf, loadCrmConfig } from './crm-config.ts';
import { createCrmHandler } from './crm-handler.ts';
import { createCrmHttp } from './crm-http.ts';
import { createRestCrmAdapter } from './rest-crm-adapter.ts';

export const testKafka = (): Kafka => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'crm-sync-test' });

/** An events topic and its DLQ for one test, deleted after it. */
export const createTopics = (t: TestContext, kafka: Kafka, partitions = 3) => createEventTopics(t, kafka, { prefix: 'crm.events', partitions });

export const produce = (kafka: Kafka, topic: string, records: readonly RecordToProduce[]): Promise<void> => produceRecords(kafka, topic, records);

/** A database name for this test, dropped after it. */
export const testDatabase = (t: TestContext): string => testDatabaseFor(t, { prefix: 'crm' });

export const SECRET = 'crm-test-signing-secret';
export const TOKEN = 'crm-test-token';

/** The environment of crm-sync for one test (main.ts reads the same variables). */
export function crmSyncEnv(o: { topic: string; dlqTopic: string; database: string; crmUrl: string; groupId?: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    CRM_SYNC_PORT: '0',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: o.topic,
    WABUS_DLQ_TOPIC: o.dlqTopic,
    WABUS_GROUP_ID: o.groupId ?? uniqueName('crm.group'),
    WABUS_DATABASE: o.database,
    WABUS_MAX_BATCH: '500',
    LOG_LEVEL: 'silent',
    CRM_BASE_URL: o.crmUrl,
    CRM_AUTH_TOKEN: TOKEN,
    CRM_SIGNING_SECRET: SECRET,
    CRM_TIMEOUT_MS: '1500',
    CRM_RETRY_BUDGET_MS: '2000',
    CRM_LEASE_MS: '5000',
    ...o.extra,
  };
}

/** crm-sync in process, wired exactly as main.ts wires it (same config loaders), with a fast retry backoff. */
export async function startCrmSync(t: TestContext, env: Record<string, string>): Promise<ConsumerService> {
  const config = loadConsumerConfig('crm-sync', 8084, 'CRM_SYNC_PORT', env);
  const crm = loadCrmConfig(env);
  const http = createCrmHttp({ baseUrl: crm.baseUrl, auth: authOf(crm), signingSecret: crm.signingSecret || null, timeoutMs: crm.timeoutMs, backoff: { baseMs: 50, maxMs: 500 } });
  const adapter = createRestCrmAdapter({ http, batch: crm.batch, batchSize: crm.batchSize, concurrency: crm.concurrency, retryBudgetMs: crm.retryBudgetMs });
  const service = await startConsumerService<WhatsAppEvent>({
    name: 'crm-sync',
    config,
    logger: pino({ level: 'silent' }),
    handler: createCrmHandler({ adapter, allowReplay: crm.allowReplay, leaseMs: crm.leaseMs, leaseWaitMs: crm.leaseWaitMs, retryBudgetMs: crm.retryBudgetMs }),
    routes: contactRoutes,
    ...createConsumerMetrics('crm-sync'),
  });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await service.stop();
  });
  return {
    ...service,
    async stop() {
      stopped = true;
      await service.stop();
    },
  };
}

export const readContactDocs = (service: Pick<ConsumerService, 'db'>): Promise<ContactDocument[]> =>
  service.db.collection<ContactDocument>(CONTACTS_COLLECTION).find().sort({ _id: 1 }).toArray();

/** Polls a condition the system exposes (committed offsets, a process's output); fails after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
