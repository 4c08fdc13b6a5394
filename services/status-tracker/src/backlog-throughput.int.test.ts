import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { counter, createTopics, produce, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

// A quick number, not the bench: a backlog of ~20k status events, from start-up to whenApplied, with the broker and
// the store on the same 2-core machine. The floor only catches a collapse (the target is 5,000/s).
test('status-tracker: a backlog of ~20k status events is applied at a useful rate', async (t) => {
  const kafka = testKafka();
  const records = deliver(statusWorkload({ seed: 'backlog', messages: 7_000 }), { seed: 'backlog-order', maxPerBody: 10, retryShare: 0.1 });
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const started = performance.now();
  const tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
  await tracker.runtime.whenApplied();
  const seconds = (performance.now() - started) / 1000;
  const applied = await counter(tracker, 'wabus_consumer_events_applied_total');
  assert.equal(applied, records.length);
  const rate = Math.round(records.length / seconds);
  t.diagnostic(`${records.length} events (${await tracker.db.collection('statuses').countDocuments()} messages) in ${seconds.toFixed(2)} s: ${rate} events/s`);
  assert.ok(rate > 1_000, `${rate} events/s`);
});
