import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent } from '@wabus/events';
import { kafkaFaultListener, signalComponent, type Profile } from '@wabus/infra';
import { createKafka, createProducer, type KafkaClient } from '@wabus/kafka';
import { KAFKA_API, readTopic, startTcpFaultProxy } from '@wabus/testing';
import { REDRIVE_OF_HEADER } from './dead-letters.ts';
import { connectAdmin } from './kafka-admin.ts';
import { loadDeadLetters } from './load-dead-letters.ts';
import { createOpsTopics, type OpsTopics } from './ops-fixture.test-support.ts';
import { redriveDeadLetters } from './redrive-dead-letters.ts';
import { eventHeaders, testDeadLetter, testEvent } from './test-dead-letter.test-support.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile ? false : 'needs the broker started by `pnpm test` (KAFKA_BROKERS points at an external cluster)';
const now = () => new Date('2025-03-01T12:00:00.000Z');
const LETTERS = 40;

/** 40 dead letters on the DLQ, loaded as `dlq redrive` loads them. */
async function deadLetters(topics: OpsTopics) {
  const producer = createProducer(topics.kafka);
  const events = Array.from({ length: LETTERS }, (_, i) => testEvent(`wamid.REDRIVE${i}`, { type: 'sticker' }));
  await producer.send([
    {
      topic: topics.dlqTopic,
      messages: events.map((e, i) =>
        testDeadLetter({ value: encodeEvent(e), headers: eventHeaders(e), source: { topic: topics.topic, partition: i % 3, offset: String(i) } }),
      ),
    },
  ]);
  await producer.close();
  const admin = await connectAdmin(topics.kafka);
  try {
    return (await loadDeadLetters(topics.kafka, admin, { dlqTopics: [topics.dlqTopic], ledgerTopic: topics.ledgerTopic })).entries;
  } finally {
    await admin.disconnect();
  }
}

/** Re-drives every entry through `kafka` (maybe a proxied client), then checks the topics directly. */
async function redriveAndCheck(topics: OpsTopics, kafka: KafkaClient, entries: Awaited<ReturnType<typeof deadLetters>>) {
  const admin = await connectAdmin(kafka);
  let done;
  try {
    done = await redriveDeadLetters(kafka, admin, entries, {
      redriveTopic: topics.redriveTopic,
      ledgerTopic: topics.ledgerTopic,
      by: 'ana',
      now,
      chunkSize: 10,
    });
  } finally {
    await admin.disconnect();
  }
  assert.equal(done.length, LETTERS, 'every entry reported re-driven');
  const onRedrive = await readTopic(topics.kafka, topics.redriveTopic, { timeoutMs: 30_000 });
  const perEntry = new Map<string, number>();
  for (const r of onRedrive) perEntry.set(r.headers[REDRIVE_OF_HEADER]!, (perEntry.get(r.headers[REDRIVE_OF_HEADER]!) ?? 0) + 1);
  assert.deepEqual(
    [...perEntry.values()].filter((n) => n !== 1),
    [],
    'each dead letter on the redrive topic exactly once',
  );
  assert.deepEqual([...perEntry.keys()].sort(), entries.map((e) => e.id).sort());
  for (const d of done) {
    const at = onRedrive.find((r) => r.partition === d.redrivePartition && r.offset === d.redriveOffset);
    assert.equal(at?.headers[REDRIVE_OF_HEADER], d.entry.id, `the reported offset of ${d.entry.id} holds it`);
  }
  const ledger = await readTopic(topics.kafka, topics.ledgerTopic, { timeoutMs: 30_000 });
  const actions = new Map<string, number>();
  for (const r of ledger) actions.set(String(r.key), (actions.get(String(r.key)) ?? 0) + 1);
  assert.deepEqual(
    [...actions.values()].filter((n) => n !== 1),
    [],
    'each re-drive recorded once in the actions ledger',
  );
  assert.equal(actions.size, LETTERS);
}

test(
  'dlq redrive while the broker is stalled (SIGSTOP): it waits, then every dead letter is re-driven and recorded exactly once',
  { skip, timeout: 120_000 },
  async (t) => {
    const topics = await createOpsTopics(t);
    const entries = await deadLetters(topics);
    let frozen = false;
    t.after(() => {
      if (frozen) signalComponent(profile!, 'kafka', 'SIGCONT');
    });
    // The broker freezes the moment the first produce request of the re-drive reaches it (through a proxy that only
    // watches), for longer than ingress' producer would wait, and resumes 12 s later.
    const { proxy, listener } = kafkaFaultListener();
    const watch = await startTcpFaultProxy({
      listen: proxy,
      target: listener,
      onRequest(apiKey) {
        if (apiKey !== KAFKA_API.produce || frozen || stalled) return;
        stalled = true;
        signalComponent(profile!, 'kafka', 'SIGSTOP');
        frozen = true;
        setTimeout(() => {
          signalComponent(profile!, 'kafka', 'SIGCONT');
          frozen = false;
        }, 12_000).unref();
      },
    });
    t.after(() => watch.close());
    let stalled = false;
    const kafka = createKafka({ brokers: [`${proxy.host}:${proxy.port}`], clientId: 'redrive-fault-test' });
    const started = Date.now();
    await redriveAndCheck(topics, kafka, entries);
    assert.ok(stalled && Date.now() - started >= 12_000, 'the re-drive waited out the stall');
  },
);

test(
  'dlq redrive whose produce responses are lost (dropped by a proxy, 3 times): every dead letter re-driven and recorded exactly once, at the offsets it reports',
  { skip, timeout: 120_000 },
  async (t) => {
    const topics = await createOpsTopics(t);
    const entries = await deadLetters(topics);
    const { proxy, listener } = kafkaFaultListener();
    const faults = await startTcpFaultProxy({ listen: proxy, target: listener });
    t.after(() => faults.close());
    faults.inject({ kind: 'drop-response', apiKey: KAFKA_API.produce, count: 3 });
    await redriveAndCheck(topics, createKafka({ brokers: [`${proxy.host}:${proxy.port}`], clientId: 'redrive-fault-test' }), entries);
    assert.equal(faults.stats().faultsDone, 3);
  },
);
