import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicMessages } from './produce-types.ts';
import { createProduceBatcher } from './produce-batcher.ts';
import { KafkaError } from './errors.ts';
import { recordBytes } from './record-size.ts';

const msg = (topic: string, key: string, value: string): TopicMessages[] => [{ topic, messages: [{ key, value: Buffer.from(value) }] }];

function controllableSend() {
  const calls: { batch: TopicMessages[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  const send = (batch: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ batch, resolve, reject });
    });
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));

test('given an idle batcher, when one append arrives, then it is sent alone at once', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const done = b.append(msg('t', 'k', 'a'), Date.now() + 5_000);
  await tick();
  assert.equal(calls.length, 1);
  calls[0]!.resolve();
  await done;
});

test('given a send in flight, when appends arrive, then they merge into the next batch in arrival order', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const first = b.append(msg('t', 'k1', '1'), Date.now() + 5_000);
  await tick();
  const rest = [
    b.append(msg('t', 'k1', '2'), Date.now() + 5_000),
    b.append(msg('u', 'x', 'u1'), Date.now() + 5_000),
    b.append(msg('t', 'k1', '3'), Date.now() + 5_000),
  ];
  await tick();
  assert.equal(calls.length, 1, 'only one send in flight');
  assert.equal(b.queuedRecords(), 3);
  calls[0]!.resolve();
  await first;
  await tick();
  assert.equal(calls.length, 2);
  const second = calls[1]!.batch;
  assert.deepEqual(
    second.map((tm) => [tm.topic, tm.messages.map((m) => String(m.value))]),
    [
      ['t', ['2', '3']],
      ['u', ['u1']],
    ],
  );
  calls[1]!.resolve();
  await Promise.all(rest);
});

test('given a failing send, then every append of that batch rejects with PRODUCE_FAILED and later batches still go', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const a = b.append(msg('t', 'k', 'a'), Date.now() + 5_000);
  await tick();
  calls[0]!.reject(new Error('broker gone'));
  await assert.rejects(a, (e) => KafkaError.is(e, 'WABUS_KAFKA_PRODUCE_FAILED') && /broker gone/.test(e.message));
  const c = b.append(msg('t', 'k', 'c'), Date.now() + 5_000);
  await tick();
  assert.equal(calls.length, 2);
  calls[1]!.resolve();
  await c;
});

test('given a send that never returns, then appends reject at their deadline and queued ones are never sent', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const a = b.append(msg('t', 'k', 'a'), Date.now() + 20);
  const q = b.append(msg('t', 'k', 'q'), Date.now() + 20);
  // Both watched at once: each rejects on its own timer, and one rejected before it is awaited is unhandled.
  await Promise.all([a, q].map((p) => assert.rejects(p, (e) => KafkaError.is(e, 'WABUS_KAFKA_PRODUCE_TIMEOUT'))));
  calls[0]!.resolve();
  await tick();
  await tick();
  assert.equal(calls.length, 1, 'the expired queued append was dropped, not sent');
  assert.equal(b.queuedRecords(), 0);
});

test('given a full queue, then a new append is refused at once with QUEUE_FULL', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, maxQueuedRecords: 2 });
  const inflight = b.append(msg('t', 'k', '1'), Date.now() + 5_000);
  await tick();
  const queued = [b.append(msg('t', 'k', '2'), Date.now() + 5_000), b.append(msg('t', 'k', '3'), Date.now() + 5_000)];
  await assert.rejects(b.append(msg('t', 'k', '4'), Date.now() + 5_000), (e) => KafkaError.is(e, 'WABUS_KAFKA_QUEUE_FULL'));
  calls[0]!.resolve();
  await inflight;
  await tick();
  calls[1]!.resolve();
  await Promise.all(queued);
});

test('given batch limits, then a batch never exceeds maxBatchRecords unless a single append is larger', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, maxBatchRecords: 2 });
  const all = [b.append(msg('t', 'k', '1'), Date.now() + 5_000)];
  await tick();
  for (const v of ['2', '3', '4']) all.push(b.append(msg('t', 'k', v), Date.now() + 5_000));
  calls[0]!.resolve();
  await tick();
  await tick();
  assert.equal(calls[1]!.batch[0]!.messages.length, 2);
  calls[1]!.resolve();
  await tick();
  await tick();
  assert.equal(calls[2]!.batch[0]!.messages.length, 1);
  calls[2]!.resolve();
  await Promise.all(all);
});

test('given close, then in-flight work settles and new appends are refused with CLOSED', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const a = b.append(msg('t', 'k', 'a'), Date.now() + 5_000);
  await tick();
  const closing = b.close();
  await assert.rejects(b.append(msg('t', 'k', 'b'), Date.now() + 5_000), (e) => KafkaError.is(e, 'WABUS_KAFKA_CLOSED'));
  calls[0]!.resolve();
  await a;
  await closing;
});

test('given a linger, then an append to an idle batcher goes at once, and after a send the waiting records wait up to the linger to grow', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, lingerMs: 5 });
  const first = b.append(msg('t', 'k', '1'));
  await tick();
  assert.equal(calls.length, 1, 'idle: no linger');
  const waiting = [b.append(msg('t', 'k', '2'))];
  calls[0]!.resolve();
  await first;
  await tick();
  assert.equal(calls.length, 1, 'records waiting after a send linger');
  waiting.push(b.append(msg('t', 'k', '3')));
  t.mock.timers.tick(4);
  await tick();
  assert.equal(calls.length, 1);
  t.mock.timers.tick(1);
  await tick();
  assert.equal(calls.length, 2, 'sent when the linger is over');
  assert.deepEqual(
    calls[1]!.batch[0]!.messages.map((m) => String(m.value)),
    ['2', '3'],
  );
  calls[1]!.resolve();
  await Promise.all(waiting);
  await tick();
  const later = b.append(msg('t', 'k', '4'));
  await tick();
  assert.equal(calls.length, 3, 'nothing waited after that send: idle again, at once');
  calls[2]!.resolve();
  await later;
});

test('given a linger, then a batch that reaches maxBatchRecords while lingering goes at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, lingerMs: 1_000, maxBatchRecords: 3 });
  const first = b.append(msg('t', 'k', '1'));
  await tick();
  const rest = [b.append(msg('t', 'k', '2'))];
  calls[0]!.resolve();
  await first;
  await tick();
  assert.equal(calls.length, 1);
  rest.push(b.append(msg('t', 'k', '3')), b.append(msg('t', 'k', '4')));
  await tick();
  assert.equal(calls.length, 2, 'full: no more waiting');
  assert.equal(calls[1]!.batch[0]!.messages.length, 3);
  calls[1]!.resolve();
  await Promise.all(rest);
});

const sized = (topic: string, key: string, bytes: number): TopicMessages[] => [{ topic, messages: [{ key, value: Buffer.alloc(bytes, 0x61) }] }];
const sendBytesOf = (batch: TopicMessages[]) => batch.reduce((n, tm) => n + tm.messages.reduce((k, m) => k + recordBytes(m), 0), 0);

test('given maxBatchBytes, then appends of several requests never merge into a send larger than it (issue 14: two large bodies made a batch the topic refused)', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, maxBatchBytes: 10_000 });
  const all = [b.append(sized('t', 'k0', 100))];
  await tick();
  for (let i = 1; i <= 6; i++) all.push(b.append(sized('t', `k${i}`, 4_000)));
  for (let n = 0; calls.length > n; n++) {
    assert.ok(sendBytesOf(calls[n]!.batch) <= 10_000, `send ${n}: ${sendBytesOf(calls[n]!.batch)} bytes`);
    calls[n]!.resolve();
    await tick();
    await tick();
  }
  await Promise.all(all);
  assert.deepEqual(
    calls.map((c) => c.batch[0]!.messages.length),
    [1, 2, 2, 2],
    'two 4,000-byte records a send',
  );
});

test('given an append larger than maxBatchBytes, then it is split over sends in its order, and resolves once every part is acknowledged', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, maxBatchBytes: 10_000 });
  const big: TopicMessages[] = [
    { topic: 'raw', messages: [{ key: 'd', value: Buffer.alloc(9_000) }] },
    { topic: 'events', messages: ['e1', 'e2', 'e3'].map((key) => ({ key, value: Buffer.alloc(3_000) })) },
  ];
  let resolved = false;
  const done = b.append(big).then(() => (resolved = true));
  await tick();
  assert.deepEqual(
    calls[0]!.batch.map((tm) => [tm.topic, tm.messages.map((m) => m.key)]),
    [['raw', ['d']]],
  );
  calls[0]!.resolve();
  await tick();
  await tick();
  assert.deepEqual(
    calls[1]!.batch.map((tm) => [tm.topic, tm.messages.map((m) => m.key)]),
    [['events', ['e1', 'e2', 'e3']]],
  );
  assert.equal(resolved, false, 'not before its last part');
  calls[1]!.resolve();
  await done;
  assert.equal(calls.length, 2);
});

test('given a split append whose first part fails, then it rejects with that error and its later parts are never sent', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, maxBatchBytes: 10_000 });
  const failing = b.append([{ topic: 't', messages: ['a', 'b', 'c'].map((key) => ({ key, value: Buffer.alloc(6_000) })) }]);
  await tick();
  calls[0]!.reject(new KafkaError('WABUS_KAFKA_PRODUCE_FAILED', { message: 'NOT_ENOUGH_REPLICAS' }));
  await assert.rejects(failing, (e) => KafkaError.is(e, 'WABUS_KAFKA_PRODUCE_FAILED'));
  await tick();
  assert.equal(calls.length, 1, 'parts b and c were dropped');
  assert.equal(b.queuedRecords(), 0);
});

test('given topic limits, then an append holding a record its topic could not take even alone is refused at once, and nothing of it is sent', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, topicLimit: (topic) => (topic === 'events' ? 5_000 : undefined) });
  const refused = b.append([
    { topic: 'raw', messages: [{ key: 'd', value: Buffer.alloc(20_000) }] },
    { topic: 'events', messages: [{ key: 'e', value: Buffer.alloc(5_000) }] },
  ]);
  await assert.rejects(
    refused,
    (e) => KafkaError.is(e, 'WABUS_KAFKA_RECORD_TOO_LARGE') && (e.details?.['topics'] as string[])[0] === 'events' && /at most 5000 bytes/.test(e.message),
  );
  await tick();
  assert.equal(calls.length, 0);
  const fits = b.append(sized('events', 'e', 4_000));
  await tick();
  calls[0]!.resolve();
  await fits;
});

test('given maxQueuedBytes, then appends beyond it are refused with QUEUE_FULL while an empty queue takes an append of any size', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send, maxQueuedBytes: 50_000 });
  const inflight = b.append(sized('t', 'k', 10));
  await tick();
  const huge = b.append(sized('t', 'k', 80_000));
  await assert.rejects(b.append(sized('t', 'k', 10)), (e) => KafkaError.is(e, 'WABUS_KAFKA_QUEUE_FULL') && /bytes waiting/.test(e.message));
  calls[0]!.resolve();
  await inflight;
  await tick();
  calls[1]!.resolve();
  await huge;
});

test('given a merged send refused as sent (too large), then each of its appends goes again alone and gets its own answer', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const first = b.append(sized('t', 'k0', 10));
  await tick();
  const innocent = b.append(sized('t', 'k1', 10));
  const guilty = b.append(sized('t', 'k2', 10));
  calls[0]!.resolve();
  await first;
  await tick();
  assert.equal(calls[1]!.batch[0]!.messages.length, 2, 'merged');
  calls[1]!.reject(new KafkaError('WABUS_KAFKA_RECORD_TOO_LARGE', { details: { topics: ['t'] } }));
  await tick();
  await tick();
  assert.deepEqual(
    calls[2]!.batch[0]!.messages.map((m) => m.key),
    ['k1'],
  );
  calls[2]!.resolve();
  await innocent;
  await tick();
  await tick();
  assert.deepEqual(
    calls[3]!.batch[0]!.messages.map((m) => m.key),
    ['k2'],
  );
  calls[3]!.reject(new KafkaError('WABUS_KAFKA_RECORD_TOO_LARGE', { details: { topics: ['t'] } }));
  await assert.rejects(guilty, (e) => KafkaError.is(e, 'WABUS_KAFKA_RECORD_TOO_LARGE'));
  assert.equal(calls.length, 4);
});

test('given a merged send that failed transiently, then its appends all reject (no second try inside: the caller retries)', async () => {
  const { calls, send } = controllableSend();
  const b = createProduceBatcher({ send });
  const first = b.append(sized('t', 'k0', 10));
  await tick();
  const two = [b.append(sized('t', 'k1', 10)), b.append(sized('t', 'k2', 10))];
  calls[0]!.resolve();
  await first;
  await tick();
  calls[1]!.reject(new KafkaError('WABUS_KAFKA_PRODUCE_FAILED'));
  for (const p of two) await assert.rejects(p, (e) => KafkaError.is(e, 'WABUS_KAFKA_PRODUCE_FAILED'));
  assert.equal(calls.length, 2);
});
