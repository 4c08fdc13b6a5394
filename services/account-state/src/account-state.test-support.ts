import type { TestContext } from 'node:test';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConsumerConfig } from '@wabus/consumer-service';
import { createKafka, type KafkaClient } from '@wabus/kafka';
import { serviceFacts } from '@wabus/service/registry';
import { createEventTopics, stopAfterTest, testDatabase as testDatabaseFor, testEnv, uniqueName } from '@wabus/testing';
import { SERVICE_NAME, startAccountState, type AccountStateService } from './start-account-state.ts';

export const testKafka = (): KafkaClient => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'account-state-test' });

/** An events topic and its DLQ for one test, deleted after it. */
export const createTopics = (t: TestContext, kafka: KafkaClient, partitions = 3) => createEventTopics(t, kafka, { prefix: 'as.events', partitions });

/** A database name for this test, dropped after it. */
export const testDatabase = (t: TestContext): string => testDatabaseFor(t, { prefix: 'as' });

/** The environment main.ts reads, for the test's own topic, group and database. */
export function accountStateEnv(o: { topic: string; dlqTopic: string; database: string; groupId?: string; port?: number }): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    ACCOUNT_STATE_PORT: String(o.port ?? 0),
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: o.topic,
    WABUS_DLQ_TOPIC: o.dlqTopic,
    WABUS_GROUP_ID: o.groupId ?? uniqueName('as.group'),
    WABUS_DATABASE: o.database,
    LOG_LEVEL: 'silent',
  };
}

/** account-state in process, started as main.ts starts it, on the test's own topic, group and database; stopped after the test. */
export async function startAccountStateForTest(
  t: TestContext,
  o: { topic: string; dlqTopic: string; database: string; groupId?: string },
): Promise<AccountStateService> {
  const config = loadConsumerConfig(serviceFacts(SERVICE_NAME), accountStateEnv(o));
  return stopAfterTest(t, await startAccountState({ config, logger: pino({ level: 'silent' }) }));
}

/** GET on the service's API: status and JSON body. */
export async function getJson(service: { app: { server: { address(): unknown } } }, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { port } = service.app.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function counter(service: AccountStateService, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await service.metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0) ?? 0;
}
