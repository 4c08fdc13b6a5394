import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { readTopic, testEnv, uniqueName, waitUntil } from '@wabus/testing';
import { createKafka } from '../client.ts';
import { createProducer } from '../producer.ts';
import { EventRejectedError } from './classify-error.ts';
import type { ConsumedRecord } from './consumer-types.ts';
import { DLQ_HEADERS } from './dead-letter.ts';
import { runConsumer, type RunConsumerOptions } from './run-consumer.ts';
import { createTopicsAndWait } from '../create-topics.ts';

interface Ev {
  key: string;
  seq: number;
  bad?: boolean;
}

async function setup(t: import('node:test').TestContext, partitions = 3) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'runtime-test' });
  const topic = uniqueName('rt.events');
  const dlqTopic = `${topic}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic, numPartitions: partitions },
      { topic: dlqTopic, numPartitions: 1 },
    ],
  });
  const producer = createProducer(kafka);
  t.after(async () => {
    await producer.close();
    await admin.deleteTopics({ topics: [topic, dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  const produce = async (values: (Ev | Buffer)[]) => {
    await producer.send([
      {
        topic,
        messages: values.map((v) =>
          Buffer.isBuffer(v)
            ? { key: 'raw', value: v, headers: { origin: 'test' } }
            : { key: v.key, value: Buffer.from(JSON.stringify(v)), headers: { origin: 'test' } },
        ),
      },
    ]);
  };
  return { kafka, topic, dlqTopic, produce };
}

const decode = (value: Buffer): Ev => {
  try {
    return JSON.parse(value.toString('utf8')) as Ev;
  } catch (cause) {
    throw Object.assign(new Error(`not JSON: ${(cause as Error).message}`), { code: 'WABUS_EVENTS_DECODE_FAILED' });
  }
};

async function start(
  kafka: Kafka,
  o: Partial<RunConsumerOptions<Ev>> & Pick<RunConsumerOptions<Ev>, 'topic' | 'dlqTopic' | 'handleBatch'>,
  t: import('node:test').TestContext,
) {
  const rt = await runConsumer<Ev>({ kafka, groupId: uniqueName('rt.group'), decode, retry: { initialMs: 20, maxMs: 200 }, ...o });
  t.after(() => rt.stop());
  return rt;
}

test('runtime: records of one key are applied in offset order and never concurrently; progress signals completion', async (t) => {
  const { kafka, topic, dlqTopic, produce } = await setup(t);
  const events: Ev[] = [];
  for (let seq = 0; seq < 400; seq++) events.push({ key: `k${seq % 13}`, seq });
  await produce(events);
  const seen = new Map<string, number[]>();
  const active = new Set<string>();
  let overlaps = 0;
  const endToEnd: number[] = [];
  const rt = await start(
    kafka,
    {
      topic,
      dlqTopic,
      maxBatchRecords: 37,
      eventTime: (e) => (e.seq % 2 === 0 ? Date.now() - 1_000 : null),
      observer: { endToEnd: (s) => endToEnd.push(s) },
      handleBatch: async (records: ConsumedRecord<Ev>[]) => {
        const keys = new Set(records.map((r) => r.event.key));
        for (const k of keys) if (active.has(k)) overlaps++;
        keys.forEach((k) => active.add(k));
        await new Promise((r) => setImmediate(r));
        for (const r of records) seen.set(r.event.key, [...(seen.get(r.event.key) ?? []), r.event.seq]);
        keys.forEach((k) => active.delete(k));
      },
    },
    t,
  );
  await rt.whenApplied();
  assert.equal(overlaps, 0, 'no key was handled by two calls at once');
  for (const [key, seqs] of seen) {
    const expected = events.filter((e) => e.key === key).map((e) => e.seq);
    assert.deepEqual(seqs, expected, `order of ${key}`);
  }
  assert.equal([...seen.values()].flat().length, 400);
  assert.equal(endToEnd.length, 200, 'one end-to-end observation per applied record with a known event time');
  assert.ok(
    endToEnd.every((s) => s >= 0.9 && s < 60),
    'measured from the event time (a second ago) to the commit',
  );
  assert.ok(rt.ready());
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});

test('runtime: an undecodable record and a rejected one go to the DLQ with bytes, headers, code and origin; the rest apply', async (t) => {
  const { kafka, topic, dlqTopic, produce } = await setup(t, 1);
  const garbage = Buffer.from([0xc3, 0x01, 0xff, 0x00, 0x7b]);
  await produce([{ key: 'a', seq: 1 }, garbage, { key: 'a', seq: 2, bad: true }, { key: 'a', seq: 3 }]);
  const applied: number[] = [];
  const rt = await start(
    kafka,
    {
      topic,
      dlqTopic,
      handleBatch: async (records) => {
        if (records.some((r) => r.event.bad)) throw new EventRejectedError('seq 2 is invalid for this consumer', { code: 'TEST_INVALID' });
        records.forEach((r) => applied.push(r.event.seq));
      },
    },
    t,
  );
  await rt.whenApplied();
  assert.deepEqual(applied, [1, 3], 'the valid records are applied, in order, once');
  const dlq = await readTopic(kafka, dlqTopic);
  assert.equal(dlq.length, 2);
  const [first, second] = dlq as [(typeof dlq)[0], (typeof dlq)[0]];
  assert.ok(first.value!.equals(garbage), 'original bytes');
  assert.equal(first.headers['origin'], 'test', 'original headers');
  assert.equal(first.headers[DLQ_HEADERS.code], 'WABUS_EVENTS_DECODE_FAILED');
  assert.equal(first.headers[DLQ_HEADERS.offset], '1');
  assert.equal(first.headers[DLQ_HEADERS.partition], '0');
  assert.equal(first.headers[DLQ_HEADERS.topic], topic);
  assert.equal(second.headers[DLQ_HEADERS.code], 'TEST_INVALID');
  assert.match(second.headers[DLQ_HEADERS.message]!, /seq 2 is invalid/);
  assert.equal(second.headers[DLQ_HEADERS.offset], '2');
});

test('runtime: infrastructure errors pause the partition and retry, never dead-letter, never skip', async (t) => {
  const { kafka, topic, dlqTopic, produce } = await setup(t, 1);
  await produce([
    { key: 'a', seq: 1 },
    { key: 'a', seq: 2 },
  ]);
  let failures = 0;
  let sawPaused = false;
  const applied: number[] = [];
  let rtRef: Awaited<ReturnType<typeof start>> | undefined;
  const rt = await start(
    kafka,
    {
      topic,
      dlqTopic,
      handleBatch: async (records) => {
        if (failures < 4) {
          failures++;
          if (rtRef && !rtRef.ready() && rtRef.status().partitions[0]?.paused) sawPaused = true;
          throw Object.assign(new Error('store unavailable'), { code: 'ECONNREFUSED' });
        }
        records.forEach((r) => applied.push(r.event.seq));
      },
    },
    t,
  );
  rtRef = rt;
  await rt.whenApplied();
  assert.equal(failures, 4);
  assert.ok(sawPaused, 'the partition reported paused (not ready) while retrying');
  assert.deepEqual(applied, [1, 2]);
  assert.ok(rt.ready(), 'ready again after recovery');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});

test('runtime: a restarted consumer continues from its committed offsets and re-applies nothing committed', async (t) => {
  const { kafka, topic, dlqTopic, produce } = await setup(t, 2);
  const groupId = uniqueName('rt.group');
  await produce(Array.from({ length: 50 }, (_, seq) => ({ key: `k${seq % 5}`, seq })));
  const applied: number[] = [];
  const handleBatch = async (records: ConsumedRecord<Ev>[]) => {
    records.forEach((r) => applied.push(r.event.seq));
  };
  const first = await runConsumer<Ev>({ kafka, groupId, topic, dlqTopic, decode, handleBatch });
  await first.whenApplied();
  await first.stop();
  assert.equal(applied.length, 50);
  await produce(Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, seq: 50 + i })));
  const second = await start(kafka, { groupId, topic, dlqTopic, handleBatch }, t);
  await second.whenApplied();
  assert.deepEqual(
    [...applied].sort((a, b) => a - b),
    Array.from({ length: 70 }, (_, i) => i),
  );
});

test('runtime: a handler working longer than the session timeout keeps its partition (the runtime heartbeats meanwhile): applied and committed once', async (t) => {
  const { kafka, topic, dlqTopic, produce } = await setup(t, 1);
  await produce([
    { key: 'a', seq: 1 },
    { key: 'a', seq: 2 },
  ]);
  const calls: number[][] = [];
  const rt = await start(
    kafka,
    {
      topic,
      dlqTopic,
      sessionTimeoutMs: 6_000,
      handleBatch: async (records) => {
        calls.push(records.map((r) => r.event.seq));
        // Only the first call is slow: an expelled member would see its batch again, quickly, and the test end.
        if (calls.length === 1) await new Promise((r) => setTimeout(r, 9_000));
      },
    },
    t,
  );
  await rt.whenApplied();
  assert.deepEqual(calls, [[1, 2]], 'one call: the member was not expelled after 6 s, the batch was not redelivered');
});

test('runtime: a member retrying a partition that a rebalance takes away gives it up at once (its heartbeat says so), so the group does not wait for it', async (t) => {
  const { kafka, topic, dlqTopic, produce } = await setup(t, 2);
  await produce(Array.from({ length: 20 }, (_, seq) => ({ key: `k${seq}`, seq })));
  const groupId = uniqueName('rt.group');
  // The first member can apply nothing (its store is down): it sits in the retry loop on both partitions, heartbeating.
  let refused = 0;
  await start(
    kafka,
    {
      groupId,
      topic,
      dlqTopic,
      handleBatch: async () => {
        refused++;
        throw Object.assign(new Error('store unavailable'), { code: 'ECONNREFUSED' });
      },
    },
    t,
  );
  await waitUntil('the first member retrying', () => refused > 0);
  // A second member joins. The coordinator answers the first one's next heartbeat with REBALANCE_IN_PROGRESS; a
  // member that ignored it would keep both partitions until the rebalance timeout (60 s) and the second would idle.
  const applied: number[] = [];
  const second = await start(kafka, { groupId, topic, dlqTopic, handleBatch: async (records) => records.forEach((r) => applied.push(r.event.seq)) }, t);
  await waitUntil(
    () => `the second member applies a partition's records (it has ${JSON.stringify(second.status())})`,
    () => applied.length > 0,
    { timeoutMs: 20_000 },
  );
  assert.ok(applied.length < 20, 'one partition each');
});
