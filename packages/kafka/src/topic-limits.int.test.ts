import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTopic, testEnv, uniqueName } from '@wabus/testing';
import { createKafka } from './client.ts';
import { createTopicsAndWait } from './create-topics.ts';
import { KafkaError } from './errors.ts';
import { createProducer } from './producer.ts';
import { batchLimits, readTopicLimits } from './topic-limits.ts';

const MiB = 1024 * 1024;

/** Two topics: one with a small max.message.bytes, one whose segment (1 MiB, Kafka's least) is the smaller limit. */
async function limitedTopics(t: import('node:test').TestContext) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'topic-limits-test' });
  const small = uniqueName('limits.small');
  const segment = uniqueName('limits.segment');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic: small, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '20000' }] },
      {
        topic: segment,
        numPartitions: 1,
        configEntries: [
          { name: 'max.message.bytes', value: String(4 * MiB) },
          { name: 'segment.bytes', value: String(MiB) },
        ],
      },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [small, segment] }).catch(() => undefined);
    await admin.disconnect();
  });
  return { kafka, admin, small, segment };
}

const records = (n: number, bytes: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: Buffer.alloc(bytes, 0x61) }));

test('readTopicLimits: each topic’s max.message.bytes and segment.bytes, and the smaller as the batch it takes; a missing topic rejects', async (t) => {
  const { admin, small, segment } = await limitedTopics(t);
  const limits = await readTopicLimits(admin, [small, segment]);
  assert.deepEqual(limits.get(small)?.maxMessageBytes, 20_000);
  assert.equal(limits.get(small)?.batchBytes, 20_000);
  assert.deepEqual(limits.get(segment), { topic: segment, maxMessageBytes: 4 * MiB, segmentBytes: MiB, batchBytes: MiB });
  assert.deepEqual(batchLimits(limits), { [small]: 20_000, [segment]: MiB });
  await assert.rejects(readTopicLimits(admin, [`${small}.missing`]));
});

test('the broker’s MESSAGE_TOO_LARGE and RECORD_LIST_TOO_LARGE are WABUS_KAFKA_RECORD_TOO_LARGE naming the topic, and the producer goes on', async (t) => {
  const { kafka, small, segment } = await limitedTopics(t);
  const producer = createProducer(kafka);
  t.after(() => producer.close());
  for (const [topic, bytes] of [
    [small, 30_000],
    [segment, 2 * MiB],
  ] as const) {
    await assert.rejects(producer.send([{ topic, messages: records(1, bytes, 'big') }]), (err: unknown) => {
      assert.ok(KafkaError.is(err, 'WABUS_KAFKA_RECORD_TOO_LARGE'), String(err));
      assert.deepEqual(err.details?.['topics'], [topic]);
      assert.equal(err.details?.['found'], 'by the broker');
      return true;
    });
  }
  await producer.send([{ topic: small, messages: records(1, 100, 'after') }]);
  assert.equal((await readTopic(kafka, small)).length, 1, 'only the record that fits');
});

test('with the topics’ limits, a record too large is refused before sending, and many records that fit one by one are stored, however they arrive', async (t) => {
  const { kafka, admin, small } = await limitedTopics(t);
  const unbounded = createProducer(kafka);
  t.after(() => unbounded.close());
  // Ten records of 5,000 bytes in one send: one batch of 50 KB, which the topic refuses as a whole.
  await assert.rejects(unbounded.send([{ topic: small, messages: records(10, 5_000, 'merged') }]), (e: unknown) =>
    KafkaError.is(e, 'WABUS_KAFKA_RECORD_TOO_LARGE'),
  );

  const producer = createProducer(kafka, { topicLimits: batchLimits(await readTopicLimits(admin, [small])) });
  t.after(() => producer.close());
  await assert.rejects(producer.send([{ topic: small, messages: records(1, 30_000, 'big') }]), (err: unknown) => {
    assert.ok(KafkaError.is(err, 'WABUS_KAFKA_RECORD_TOO_LARGE'));
    assert.equal(err.details?.['found'], 'before sending');
    return true;
  });
  assert.equal(producer.stats().sends, 0, 'nothing was sent');
  // The same ten in one append, and twenty more appended concurrently: split and merged into sends the topic takes.
  await Promise.all([
    producer.send([{ topic: small, messages: records(10, 5_000, 'one') }]),
    ...Array.from({ length: 20 }, (_, i) => producer.send([{ topic: small, messages: records(1, 5_000, `many${i}.`) }])),
  ]);
  const stored = await readTopic(kafka, small);
  assert.equal(stored.length, 30);
  assert.equal(new Set(stored.map((r) => r.key)).size, 30, 'each once');
  assert.ok(producer.stats().sends >= 8, `at most three 5 KB records a send: ${producer.stats().sends} sends`);
});
