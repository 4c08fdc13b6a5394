import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaFaultListener, signalComponent, type Profile } from '@wabus/infra';
import { KAFKA_API, readTopic, startTcpFaultProxy, testEnv, uniqueName, waitUntil } from '@wabus/testing';
import { createKafka, type KafkaClient } from '../client.ts';
import { createProducer, sendGiveUpMs } from '../producer.ts';
import { EventRejectedError } from './classify-error.ts';
import { DLQ_HEADERS } from './dead-letter.ts';
import { runConsumer } from './run-consumer.ts';
import { createTopicsAndWait } from '../create-topics.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile ? false : 'needs the broker started by `pnpm test` (KAFKA_BROKERS points at an external cluster)';

interface Ev {
  key: string;
  seq: number;
  bad: boolean;
}

const EVENTS = 300;
/** Every 7th event can never be applied: 43 dead letters, in most handler calls. */
const isBad = (seq: number) => seq % 7 === 3;

async function topics(t: import('node:test').TestContext, kafka: KafkaClient) {
  const topic = uniqueName('dlqfault.events');
  const dlqTopic = `${topic}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic, numPartitions: 3 },
      { topic: dlqTopic, numPartitions: 2 },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic, dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  const producer = createProducer(kafka);
  const events: Ev[] = Array.from({ length: EVENTS }, (_, seq) => ({ key: `k${seq % 11}`, seq, bad: isBad(seq) }));
  await producer.send([{ topic, messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e) })) }]);
  await producer.close();
  return { topic, dlqTopic };
}

/**
 * Runs the runtime over the topic until every record is applied or dead-lettered; `onFirstLetters` fires inside the
 * first handler call that rejects records, just before the runtime sends them to the DLQ.
 */
async function consumeAll(t: import('node:test').TestContext, kafka: KafkaClient, names: { topic: string; dlqTopic: string }, onFirstLetters: () => void) {
  let fired = false;
  const applied = new Set<number>();
  const rt = await runConsumer<Ev>({
    kafka,
    groupId: uniqueName('dlqfault.group'),
    topic: names.topic,
    dlqTopic: names.dlqTopic,
    maxBatchRecords: 20,
    retry: { initialMs: 50, maxMs: 500 },
    decode: (v) => JSON.parse(v.toString('utf8')) as Ev,
    async handleBatch(records) {
      const rejected = records.filter((r) => r.event.bad).map((r) => ({ offset: r.offset, error: new EventRejectedError(`seq ${r.event.seq} is bad`) }));
      for (const r of records) if (!r.event.bad) applied.add(r.event.seq);
      if (rejected.length > 0 && !fired) {
        fired = true;
        onFirstLetters();
      }
      return { rejected };
    },
  });
  t.after(() => rt.stop());
  await rt.whenApplied();
  return { applied, fired: () => fired };
}

/** Every bad event is on the DLQ exactly once (by its source partition and offset), and nothing else is. */
async function assertDeadLettersOnce(kafka: KafkaClient, names: { topic: string; dlqTopic: string }) {
  const letters = await readTopic(kafka, names.dlqTopic, { timeoutMs: 30_000 });
  const bySource = new Map<string, number>();
  const seqs: number[] = [];
  for (const l of letters) {
    const source = `${l.headers[DLQ_HEADERS.partition]}/${l.headers[DLQ_HEADERS.offset]}`;
    bySource.set(source, (bySource.get(source) ?? 0) + 1);
    seqs.push((JSON.parse(l.value!.toString('utf8')) as Ev).seq);
  }
  const doubled = [...bySource].filter(([, n]) => n > 1).map(([s, n]) => `${s} ${n}×`);
  assert.deepEqual(doubled, [], 'no dead letter twice');
  const expected = Array.from({ length: EVENTS }, (_, s) => s).filter(isBad);
  assert.deepEqual(
    [...new Set(seqs)].sort((a, b) => a - b),
    expected,
    'every bad event dead-lettered, nothing else',
  );
  return letters.length;
}

test(
  'dead letters while the broker is stalled (SIGSTOP) longer than a bounded send would wait: each is on the DLQ exactly once, none lost',
  { skip, timeout: 120_000 },
  async (t) => {
    const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'dlq-fault-test' });
    const names = await topics(t, kafka);
    let frozen = false;
    t.after(() => {
      if (frozen) signalComponent(profile!, 'kafka', 'SIGCONT');
    });
    // Inside the first handler call with dead letters: the broker freezes before they are sent, for longer than
    // ingress' producer would wait (so a producer that gives up and retries under a new id would store them twice),
    // and well under the group's session timeout (30 s), so the partition stays with this member.
    const stallMs = sendGiveUpMs() + 5_000;
    const { applied } = await consumeAll(t, kafka, names, () => {
      signalComponent(profile!, 'kafka', 'SIGSTOP');
      frozen = true;
      setTimeout(() => {
        signalComponent(profile!, 'kafka', 'SIGCONT');
        frozen = false;
      }, stallMs).unref();
    });
    assert.equal(applied.size, EVENTS - Array.from({ length: EVENTS }, (_, s) => s).filter(isBad).length);
    await assertDeadLettersOnce(kafka, names);
  },
);

test('dead letters whose produce responses are lost (dropped by a proxy, 4 times): each is on the DLQ exactly once', { skip, timeout: 120_000 }, async (t) => {
  const { proxy, listener } = kafkaFaultListener();
  const faults = await startTcpFaultProxy({ listen: proxy, target: listener });
  t.after(() => faults.close());
  const direct = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'dlq-fault-test' });
  const names = await topics(t, direct);
  // The whole runtime (consumer, admin, dead-letter producer) goes through the proxy; only produce requests are hit.
  const proxied = createKafka({ brokers: [`${proxy.host}:${proxy.port}`], clientId: 'dlq-fault-test', requestTimeoutMs: 2_000 });
  await consumeAll(t, proxied, names, () => faults.inject({ kind: 'drop-response', apiKey: KAFKA_API.produce, count: 4 }));
  await waitUntil('the 4 responses were dropped', () => faults.stats().faultsDone === 4, { timeoutMs: 5_000 });
  await assertDeadLettersOnce(direct, names);
});
