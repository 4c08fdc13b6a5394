import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@wabus/config';
import { loadConsumerConfig } from './consumer-config.ts';

test('given no variables, then the group, database and dead-letter topic derive from the service name, the port is its own', () => {
  const c = loadConsumerConfig({ name: 'status-tracker', port: 8082, portEnv: 'STATUS_TRACKER_PORT' }, {});
  assert.deepEqual(
    { groupId: c.groupId, database: c.database, dlqTopic: c.dlqTopic, port: c.port, topic: c.topic, redriveTopic: c.redriveTopic },
    {
      groupId: 'wabus.status-tracker',
      database: 'wabus_status_tracker',
      dlqTopic: 'whatsapp.events.v1.dlq.status-tracker',
      port: 8082,
      topic: 'whatsapp.events.v1',
      redriveTopic: '',
    },
  );
  assert.deepEqual(
    [c.host, c.kafkaBrokers, c.replayOnly, c.maxBatchRecords, c.partitionsConcurrently, c.sessionTimeoutMs, c.logLevel],
    ['0.0.0.0', ['127.0.0.1:9092'], false, 500, 3, 30_000, 'info'],
  );
});

test("given the service's port variable, then it sets the port; another service's does not", () => {
  assert.equal(loadConsumerConfig({ name: 'crm-sync', port: 8084, portEnv: 'CRM_SYNC_PORT' }, { CRM_SYNC_PORT: '9999', MESSAGE_STORE_PORT: '1' }).port, 9999);
  assert.equal(loadConsumerConfig({ name: 'crm-sync', port: 8084, portEnv: 'CRM_SYNC_PORT' }, { MESSAGE_STORE_PORT: '1' }).port, 8084);
});

test('given explicit variables, then they win over the derived defaults', () => {
  const c = loadConsumerConfig(
    { name: 'message-store', port: 8081, portEnv: 'MESSAGE_STORE_PORT' },
    {
      WABUS_GROUP_ID: 'g',
      WABUS_DATABASE: 'd',
      WABUS_DLQ_TOPIC: 'dlq',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      WABUS_REPLAY_ONLY: 'true',
      LOG_LEVEL: 'warn',
    },
  );
  assert.deepEqual([c.groupId, c.database, c.dlqTopic, c.kafkaBrokers, c.replayOnly, c.logLevel], ['g', 'd', 'dlq', ['k1:9092', 'k2:9092'], true, 'warn']);
});

test('given bad values, then WABUS_CONFIG_INVALID names each variable', () => {
  assert.throws(
    () =>
      loadConsumerConfig(
        { name: 'auto-reply', port: 8083, portEnv: 'AUTO_REPLY_PORT' },
        { AUTO_REPLY_PORT: '70000', WABUS_SESSION_TIMEOUT_MS: '1000', LOG_LEVEL: 'loud' },
      ),
    (err: unknown) =>
      err instanceof ConfigError && err.code === 'WABUS_CONFIG_INVALID' && err.variable === 'AUTO_REPLY_PORT, WABUS_SESSION_TIMEOUT_MS, LOG_LEVEL',
  );
});
