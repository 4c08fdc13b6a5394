import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { logLevel } from 'kafkajs';
import { createKafka } from './client.ts';
import { KafkaError } from './errors.ts';
import { bridgeKafkajsLog, COORDINATOR_WARMING_UP, crashLevel, STARTUP_GRACE_MS } from './kafkajs-log.ts';

const entry = (namespace: string, level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
  namespace,
  level,
  log: { timestamp: '2026-12-06T02:33:27.725Z', logger: 'kafkajs', message, ...extra },
});
const STACK = "KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group\n    at createErrorFromCode (error.js:581:10)";

test("the coordinator texts wabus treats as warming up are retriable errors of kafkajs' own table", () => {
  const require = createRequire(import.meta.url);
  const table = require(join(dirname(require.resolve('kafkajs')), 'src', 'protocol', 'error.js')) as {
    errorCodes: { type: string; retriable: boolean; message: string }[];
  };
  for (const message of COORDINATOR_WARMING_UP) {
    const found = table.errorCodes.find((e) => e.message === message);
    assert.ok(found, `kafkajs has no error with the message ${JSON.stringify(message)}`);
    assert.equal(found.retriable, true, found.type);
  }
});

test('given the lines of a first start against a broker still loading its coordinator, then each is one debug line without a stack', () => {
  // As logged by every consumer of the first `pnpm dev` (issue 13), in this order.
  const lines = [
    entry('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
      broker: '127.0.0.1:9092',
      clientId: 'wabus-crm-sync',
      error: 'The group coordinator is not available',
      correlationId: 2,
      size: 55,
    }),
    entry('Connection', logLevel.ERROR, 'Response JoinGroup(key: 11, version: 5)', {
      error: "The coordinator is loading and hence can't process requests for this group",
    }),
    entry('Consumer', logLevel.ERROR, "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group", {
      groupId: 'wabus.crm-sync',
      stack: STACK,
    }),
    entry('Consumer', logLevel.ERROR, 'Restarting the consumer in 300ms', { retryTime: 300, groupId: 'wabus.crm-sync' }),
  ];
  for (const l of lines) {
    const bridged = bridgeKafkajsLog(l);
    assert.equal(bridged.level, 'debug', l.log.message);
    assert.equal(bridged.message, l.log.message);
    assert.equal('stack' in bridged.obj, false, `${l.log.message}: no stack`);
    assert.equal(JSON.stringify(bridged.obj).includes('\\n'), false, `${l.log.message}: one line`);
  }
  assert.deepEqual(bridgeKafkajsLog(lines[0]!).obj, {
    component: 'kafkajs',
    namespace: 'Connection',
    broker: '127.0.0.1:9092',
    clientId: 'wabus-crm-sync',
    error: 'The group coordinator is not available',
    correlationId: 2,
    size: 55,
  });
});

test('given other kafkajs errors, then an error response or a broken connection is a warning and anything else an error, with its stack', () => {
  const invalid = entry('Connection', logLevel.ERROR, 'Response JoinGroup(key: 11, version: 5)', {
    error: 'The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms)',
  });
  assert.equal(bridgeKafkajsLog(invalid).level, 'warn');
  assert.equal(
    bridgeKafkajsLog(entry('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { stack: 'Error\n at x' })).level,
    'warn',
  );
  const eachBatch = bridgeKafkajsLog(entry('Runner', logLevel.ERROR, 'Error when calling eachBatch', { stack: 'TypeError: x\n    at y' }));
  assert.equal(eachBatch.level, 'error');
  assert.equal(eachBatch.obj['stack'], 'TypeError: x\n    at y');
  assert.equal(bridgeKafkajsLog(entry('Consumer', logLevel.ERROR, 'Caught error when disconnecting the consumer: boom')).level, 'error');
  assert.equal(bridgeKafkajsLog(entry('Runner', logLevel.WARN, 'The group is rebalancing, re-joining', { stack: 'x\ny' })).level, 'warn');
  assert.equal('stack' in bridgeKafkajsLog(entry('Runner', logLevel.WARN, 'w', { stack: 'x\ny' })).obj, false);
  assert.equal(bridgeKafkajsLog(entry('ConsumerGroup', logLevel.INFO, 'Consumer has joined the group')).level, 'debug');
  assert.equal(bridgeKafkajsLog(entry('Connection', logLevel.DEBUG, 'Request Fetch(key: 1, version: 11)')).level, 'debug');
});

test('a crash kafkajs does not restart from is an error; a retriable one is debug only while the broker may be starting', () => {
  assert.equal(crashLevel({ restart: false, joinedOnce: false, sinceStartMs: 1_000 }), 'error');
  assert.equal(crashLevel({ restart: false, joinedOnce: true, sinceStartMs: 600_000 }), 'error');
  assert.equal(crashLevel({ restart: true, joinedOnce: false, sinceStartMs: 1_000 }), 'debug');
  assert.equal(
    crashLevel({ restart: true, joinedOnce: false, sinceStartMs: STARTUP_GRACE_MS }),
    'warn',
    'a broker that never gets ready is not start-up noise',
  );
  assert.equal(crashLevel({ restart: true, joinedOnce: true, sinceStartMs: 1_000 }), 'warn', 'after the group was joined a crash is news');
});

test('a client made by createKafka makes no kafkajs producer: wabus produces through createProducer alone', () => {
  const kafka = createKafka({ brokers: ['127.0.0.1:9'], clientId: 'no-producer' });
  assert.throws(
    () => kafka.producer({ idempotent: true }),
    (err) => KafkaError.is(err, 'WABUS_KAFKA_NOT_OUR_PRODUCER'),
  );
});
