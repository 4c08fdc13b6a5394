// kafkajs 2.2.4 against the broker that infra/ runs (Kafka 4.x removed old protocol versions, KIP-896):
// admin, idempotent producer, consumer group with manual commits. Needs KAFKA_BROKERS, e.g.
//   node infra/src/main.ts start test
//   KAFKA_BROKERS=127.0.0.1:19092 node --test infra/src/kafka-compat.int.test.ts
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import { createTopicsAndWait } from '@wabus/kafka';

const brokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker !== '');

function kafkaClient(): Kafka {
  assert.ok(brokers.length > 0, 'set KAFKA_BROKERS (e.g. 127.0.0.1:19092 after `infra/src/main.ts start test`)');
  return new Kafka({ clientId: 'wabus-infra-compat', brokers, logLevel: logLevel.ERROR });
}

/** `done` resolves on the first `poke(true)`, and rejects when that has not happened within `timeoutMs`. */
function signal(timeoutMs: number, what: string): { poke: (done: boolean) => void; done: Promise<void> } {
  let poke: (done: boolean) => void = () => {};
  const done = new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    poke = (isDone) => {
      if (!isDone) return;
      clearTimeout(timer);
      resolvePromise();
    };
  });
  return { poke, done };
}

test('kafkajs: admin creates a topic, idempotent producer writes, a group consumes and commits', async (t) => {
  const kafka = kafkaClient();
  const topic = `infra-compat-${randomUUID()}`;
  const groupId = `${topic}-group`;
  const partitions = 3;
  const count = 60;

  const admin = kafka.admin();
  await admin.connect();
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  t.after(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  const cluster = await admin.describeCluster();
  assert.ok(cluster.brokers.length >= 1, 'describeCluster lists a broker');
  assert.ok(cluster.controller !== null && cluster.controller >= 0, 'describeCluster names a controller');

  assert.equal(await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: partitions }] }), true);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(metadata.topics[0]?.partitions.length, partitions);

  producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const messages = Array.from({ length: count }, (_, i) => ({ key: `conversation-${i % 7}`, value: `m${i}` }));
  const sent = await producer.send({ topic, acks: -1, messages });
  assert.ok(sent.every((record) => record.errorCode === 0));

  const offsets = await admin.fetchTopicOffsets(topic);
  const highWatermarks = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  assert.equal(
    [...highWatermarks.values()].reduce((a, b) => a + b, 0),
    count,
  );

  // disconnect() waits for the in-flight fetch long-poll: with the default maxWaitTimeInMs (5000) every
  // test's cleanup would take 5 s.
  consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  const partitionOfKey = new Map<string, number>();
  const allSeen = signal(30_000, `${count} messages`);
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString() ?? '';
        // The default (murmur2) partitioner sends one key to one partition.
        assert.equal(partitionOfKey.get(key) ?? batch.partition, batch.partition);
        partitionOfKey.set(key, batch.partition);
        seen.push(message.value?.toString() ?? '');
        resolveOffset(message.offset);
      }
      const last = batch.messages.at(-1);
      if (last !== undefined) {
        // resolveOffset alone commits nothing with autoCommit: false; the committed offset is the next to read.
        await consumer?.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }]);
      }
      await heartbeat();
      allSeen.poke(seen.length >= count);
    },
  });
  await allSeen.done;
  assert.deepEqual([...seen].sort(), messages.map((m) => m.value).sort());

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committedByPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  assert.deepEqual(committedByPartition, highWatermarks);
});

test('kafkajs: producing to a topic that does not exist fails (auto.create.topics.enable=false)', async () => {
  const kafka = kafkaClient();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 1, initialRetryTime: 100 },
  });
  await producer.connect();
  try {
    await assert.rejects(producer.send({ topic: `infra-compat-missing-${randomUUID()}`, acks: -1, messages: [{ value: 'x' }] }));
  } finally {
    await producer.disconnect();
  }
});
