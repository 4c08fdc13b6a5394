import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { serviceFacts } from '@wabus/service/registry';
import { loadConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import { createKafka } from '@wabus/kafka';
import { createEventTopics, produceRecords, stopAfterTest, testDatabase as testDatabaseFor, testEnv, uniqueName, type RecordToProduce } from '@wabus/testing';
import type { ContactDocument } from './contact-state.ts';
import { CONTACTS_COLLECTION } from './contact-store.ts';
import { loadCrmConfig } from './crm-config.ts';
import { SERVICE_NAME, startCrmSync as startService, type CrmSyncService } from './start-crm-sync.ts';

export const testKafka = (): Kafka => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'crm-sync-test' });

/** An events topic and its DLQ for one test, deleted after it. */
export const createTopics = (t: TestContext, kafka: Kafka, partitions = 3) => createEventTopics(t, kafka, { prefix: 'crm.events', partitions });

export const produce = (kafka: Kafka, topic: string, records: readonly RecordToProduce[]): Promise<void> => produceRecords(kafka, topic, records);

/** A database name for this test, dropped after it. */
export const testDatabase = (t: TestContext): string => testDatabaseFor(t, { prefix: 'crm' });

export const SECRET = 'crm-test-signing-secret';
export const TOKEN = 'crm-test-token';

/** The environment of crm-sync for one test (main.ts reads the same variables). */
export function crmSyncEnv(o: {
  topic: string;
  dlqTopic: string;
  database: string;
  crmUrl: string;
  groupId?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
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

/** crm-sync in process, started as main.ts starts it (same config loaders), with a fast retry backoff. */
export async function startCrmSync(t: TestContext, env: Record<string, string>): Promise<CrmSyncService> {
  const consumer = loadConsumerConfig(serviceFacts(SERVICE_NAME), env);
  return stopAfterTest(t, await startService({ consumer, crm: loadCrmConfig(env), logger: pino({ level: 'silent' }), backoff: { baseMs: 50, maxMs: 500 } }));
}

export const readContactDocs = (service: Pick<ConsumerService, 'db'>): Promise<ContactDocument[]> =>
  service.db.collection<ContactDocument>(CONTACTS_COLLECTION).find().sort({ _id: 1 }).toArray();
