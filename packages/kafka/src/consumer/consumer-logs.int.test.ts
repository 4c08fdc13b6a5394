import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventTopics, produceRecords, testEnv, uniqueName, waitUntil } from '@wabus/testing';
import { createKafka, type LogSink } from '../client.ts';
import { runConsumer } from './run-consumer.ts';

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps every line, for the consumer runtime and kafkajs alike (the bridge logs through it). */
function capturedLog(): LogSink & { lines: Line[]; at(...levels: Line['level'][]): string[] } {
  const lines: Line[] = [];
  const sink = (level: Line['level']) => (obj: object, msg?: string) => void lines.push({ level, obj, msg: msg ?? '' });
  return {
    lines,
    debug: sink('debug'),
    info: sink('info'),
    warn: sink('warn'),
    error: sink('error'),
    at: (...levels) => lines.filter((l) => levels.includes(l.level)).map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.obj)}`),
  };
}

const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'logs-test' });

/** A runtime on `topic` whose every line, and its kafkajs client's, goes to `log`. */
function startLogged({ topic, dlqTopic }: { topic: string; dlqTopic: string }, log: LogSink, o: { sessionTimeoutMs?: number; applied?: string[] } = {}) {
  return runConsumer<string>({
    kafka: createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'logs-test', log }),
    groupId: uniqueName('logs.group'),
    topic,
    dlqTopic,
    log,
    ...(o.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: o.sessionTimeoutMs } : {}),
    decode: (v) => v.toString(),
    handleBatch: async (records) => void o.applied?.push(...records.map((r) => r.event)),
  });
}

test('a consumer that starts, applies a record and stops normally logs no warning and no error', async (t) => {
  const topics = await createEventTopics(t, kafka, { prefix: 'logs.events' });
  const log = capturedLog();
  const applied: string[] = [];
  const rt = await startLogged(topics, log, { applied });
  await produceRecords(kafka, topics.topic, [{ key: 'k', value: Buffer.from('hello') }]);
  await rt.whenApplied();
  await waitUntil('the runtime is ready', () => rt.ready());
  await rt.stop();
  assert.deepEqual(applied, ['hello']);
  assert.ok(
    log.lines.some((l) => l.msg === 'consumer running'),
    'the runtime did log',
  );
  assert.deepEqual(log.at('warn', 'error'), [], 'a normal start and stop');
});

test('a consumer the broker refuses for good (a session timeout below the broker minimum) logs the crash as an error and is not ready', async (t) => {
  const topics = await createEventTopics(t, kafka, { prefix: 'logs.events' });
  const log = capturedLog();
  // The broker's group.min.session.timeout.ms is 6 s by default: JoinGroup answers INVALID_SESSION_TIMEOUT, which
  // kafkajs does not retry, so the consumer ends.
  const rt = await startLogged(topics, log, { sessionTimeoutMs: 5_000 });
  t.after(() => rt.stop());
  await waitUntil(
    () => `an error line; got ${JSON.stringify(log.at('warn', 'error'))}`,
    () => log.lines.some((l) => l.level === 'error'),
  );
  const errors = log.lines.filter((l) => l.level === 'error');
  assert.equal(errors.length, 1, JSON.stringify(log.at('error')));
  assert.match(errors[0]!.msg, /consumer crashed and stopped consuming/);
  assert.match(String((errors[0]!.obj as { err?: Error }).err?.message), /session timeout/i);
  assert.equal(rt.ready(), false);
  assert.equal(rt.status().running, false);
});
