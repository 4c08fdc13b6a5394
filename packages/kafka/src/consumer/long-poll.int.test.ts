import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventTopics, testEnv, uniqueName } from '@wabus/testing';
import { createKafka } from '../client.ts';
import { describeGroup } from '../group-offsets.ts';
import { createProducer } from '../producer.ts';
import { runConsumer } from './run-consumer.ts';

// A quiet topic's fetch is a long poll (the broker holds it up to fetchMaxWaitMs). Here the poll is 40 s, far longer
// than any bound below, so each step passes only if it does not wait the poll out: a record is applied as soon as it
// arrives, and a stop ends the poll in hand (patches/kafkajs@2.2.4.patch) and leaves the group.
const POLL_MS = 40_000;
const BOUND_MS = 15_000;

/** Rejects if `p` has not settled within BOUND_MS: what would otherwise wait out the 40 s poll. */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${BOUND_MS} ms (the poll holds ${POLL_MS} ms)`)), BOUND_MS);
  });
  try {
    return await Promise.race([p, bound]);
  } finally {
    clearTimeout(timer);
  }
}

test('with a long poll in flight, a new record is applied at once, and a stop neither waits the poll out nor stays in the group', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'long-poll-test' });
  const groupId = uniqueName('poll.group');
  const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'poll.events' });
  const producer = createProducer(kafka);
  t.after(() => producer.close());
  const applied: string[] = [];
  const rt = await runConsumer<string>({
    kafka,
    groupId,
    topic,
    dlqTopic,
    fetchMaxWaitMs: POLL_MS,
    sessionTimeoutMs: 120_000,
    decode: (v) => v.toString(),
    handleBatch: async (records) => void applied.push(...records.map((r) => r.event)),
  });
  let stopped = false;
  t.after(() => (stopped ? undefined : rt.stop()));
  const send = (value: string) => producer.send([{ topic, messages: [{ key: value, value: Buffer.from(value) }] }]);

  await send('first');
  await within('the first record applied', rt.whenApplied());
  // The fetch after that one is a poll on a quiet topic.
  await send('second');
  await within('a record arriving during the poll applied', rt.whenApplied());
  assert.deepEqual(applied, ['first', 'second']);

  await within('stop', rt.stop());
  stopped = true;
  const group = await describeGroup(kafka, groupId);
  assert.deepEqual(group.members, [], `the member left the group (state ${group.state})`);
});
