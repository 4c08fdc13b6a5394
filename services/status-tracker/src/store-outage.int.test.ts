import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPrivateMongo } from '@wabus/infra';
import { readTopic, uniqueName, waitUntil } from '@wabus/testing';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, produce, readDocs, startTracker, testKafka } from './tracker.test-support.ts';

test('status-tracker: the store stops answering mid-run → not ready, nothing dead-lettered; it returns → caught up, nothing lost', async (t) => {
  // A private store: pausing the shared one would stall every other test.
  const store = await startPrivateMongo();
  t.after(() => store.stop());
  const kafka = testKafka();
  const records = deliver(statusWorkload({ seed: 'outage', messages: 500 }), { seed: 'outage-order', maxPerBody: 3 });
  const half = Math.floor(records.length / 2);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const tracker = await startTracker(t, { topic, dlqTopic, database: uniqueName('st'), mongoUri: store.uri, maxBatch: 100 });
  const readyz = async () => (await tracker.app.inject({ url: '/readyz' })).statusCode;

  await produce(kafka, topic, records.slice(0, half));
  await tracker.runtime.whenApplied();
  assert.equal(await readyz(), 200);

  store.pause();
  await produce(kafka, topic, records.slice(half));
  await waitUntil('/readyz answers 503', async () => (await readyz()) === 503);
  await waitUntil('the runtime pauses a partition on the store error', () => tracker.runtime.status().partitions.some((p) => p.paused), { timeoutMs: 60_000 });
  const body = (await tracker.app.inject({ url: '/readyz' })).json<{ checks: { partitions: { ok: boolean; detail?: string } } }>();
  assert.equal(body.checks.partitions.ok, false, JSON.stringify(body));
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0, 'a store outage is never a reason to dead-letter');

  store.resume();
  await tracker.runtime.whenApplied();
  await waitUntil('/readyz answers 200 again', async () => (await readyz()) === 200);
  assert.deepEqual(await readDocs(tracker.db), expectedDocs(records), 'every event applied exactly as a clean run would');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});
