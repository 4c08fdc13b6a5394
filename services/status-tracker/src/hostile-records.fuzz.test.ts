// Records whose item is hostile (docs/fuzz.md, consumers), between good statuses on one partition: each is applied or
// dead-lettered with a code, and the good statuses after them are applied (nothing poisons the partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import { readDocs, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

test('status-tracker: hostile records are applied or dead-lettered with a code, and never hold back the statuses after them', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'st.hostile', kinds: ['status'], bodies: 90 });
  let tracker: Awaited<ReturnType<typeof startTracker>> | undefined;
  const run = await consumeHostileRecords({
    kafka,
    topic,
    dlqTopic,
    good,
    hostile,
    start: async () => (tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) })),
  });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  const stored = new Set((await readDocs(tracker!.db)).map((d) => d._id));
  const missing = run.goodAfter.map((r) => decodeEvent(r.value).itemId!).filter((id) => !stored.has(id));
  assert.deepEqual(missing, [], 'every good status after the hostile ones is stored');
  assert.ok(tracker!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
