import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { readTopic, testEnv, uniqueName } from '@wabus/testing';
import { keyPartition } from './client-producer.ts';
import { createKafka } from './client.ts';
import { KafkaError } from './errors.ts';
import { createProducer } from './producer.ts';
import { createTopicsAndWait } from './create-topics.ts';

const PARTITIONS = 12;
const javaPartition = (key: string) =>
  kafkajs.Partitioners.DefaultPartitioner()({
    topic: 't',
    partitionMetadata: Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] })),
    message: { key, value: null },
  });

test('keyed records land where Java-compatible clients (kafkajs murmur2) put them, headers and timestamps kept; health and topics answer', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'producer-test' });
  const topic = uniqueName('producer.keys');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = createProducer(kafka);
  t.after(async () => {
    await producer.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  assert.deepEqual(await producer.health(), { ok: true });
  assert.deepEqual(await producer.missingTopics([topic, `${topic}.nope`]), [`${topic}.nope`]);

  const keys = Array.from({ length: 300 }, (_, i) => `106540352242922:${16315550000 + i * 7919}`);
  await producer.send([
    { topic, messages: keys.map((key, i) => ({ key, value: `v${i}`, headers: { n: String(i) }, timestamp: String(1_700_000_000_000 + i) })) },
  ]);
  const records = await readTopic(kafka, topic);
  assert.equal(records.length, keys.length);
  for (const r of records) {
    const i = Number(r.headers['n']);
    assert.equal(r.key, keys[i]);
    assert.equal(r.partition, javaPartition(keys[i]!), `key ${keys[i]} on kafkajs' partition`);
    assert.equal(r.partition, keyPartition(keys[i], PARTITIONS));
    assert.equal(r.value?.toString(), `v${i}`);
    assert.equal(r.timestamp, String(1_700_000_000_000 + i));
  }

  // A send to a topic that does not exist fails (coded), and the producer goes on under a new producer id.
  await assert.rejects(producer.send([{ topic: `${topic}.nope`, messages: [{ key: 'k', value: 'v' }] }]), (err: unknown) =>
    KafkaError.is(err, 'WABUS_KAFKA_PRODUCE_FAILED'),
  );
  await producer.send([{ topic, messages: [{ key: 'after', value: 'ok' }] }]);
  assert.deepEqual(await producer.health(), { ok: true });
});
