import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BSON } from 'mongodb';
import { decodeEvent } from '@wabus/events';
import { readTopic } from '@wabus/testing';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { counter, createTopics, expectedDocs, produce, readDocs, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

const bsonOf = (docs: object[]) => docs.map((d) => Buffer.from(BSON.serialize(d)).toString('base64'));

test('status-tracker: the same statuses in two shuffled orders, batchings and retries, into two topics and databases, give byte-identical documents', async (t) => {
  const kafka = testKafka();
  const items = statusWorkload({ seed: 'two-orders', messages: 400 });
  const a = deliver(items, { seed: 'order-a', maxPerBody: 1, retryShare: 0.2 });
  const b = deliver(items, { seed: 'order-b', maxPerBody: 8, retryShare: 0.35 });
  assert.notDeepEqual(
    a.map((r) => r.value),
    b.map((r) => r.value),
    'really different deliveries',
  );
  const [ta, tb] = await Promise.all([createTopics(t, kafka, 3), createTopics(t, kafka, 1)]);
  await Promise.all([produce(kafka, ta.topic, a), produce(kafka, tb.topic, b)]);
  const [trA, trB] = await Promise.all([
    startTracker(t, { ...ta, database: testDatabase(t), maxBatch: 50 }),
    startTracker(t, { ...tb, database: testDatabase(t), maxBatch: 500 }),
  ]);
  await Promise.all([trA.runtime.whenApplied(), trB.runtime.whenApplied()]);
  const [docsA, docsB] = await Promise.all([readDocs(trA.db), readDocs(trB.db)]);
  const expected = expectedDocs(a);
  assert.ok(docsA.length >= 400, `${docsA.length} documents`);
  assert.deepEqual(bsonOf(docsA), bsonOf(docsB), 'byte-identical, _h included');
  assert.deepEqual(docsA, expected, 'and equal to the pure fold of the events');
  assert.ok(
    docsA.some((d) => d.status === 'failed') &&
      docsA.some((d) => d.status === null) &&
      docsA.some((d) => d.history.some((h) => h.status === 'deleted')) &&
      docsA.some((d) => d.recipient.type === 'group'),
  );
  assert.equal((await readTopic(kafka, ta.dlqTopic)).length + (await readTopic(kafka, tb.dlqTopic)).length, 0, 'nothing dead-lettered');
});

test('status-tracker: the same events twice, and replays from offset 0 into the same and a fresh database, change nothing', async (t) => {
  const kafka = testKafka();
  const records = deliver(statusWorkload({ seed: 'twice', messages: 300 }), { seed: 'twice-order', maxPerBody: 4 });
  const statusCount = records.filter((r) => decodeEvent(r.value).kind === 'status').length;
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const database = testDatabase(t);
  const first = await startTracker(t, { topic, dlqTopic, database });
  await first.runtime.whenApplied();
  const before = await readDocs(first.db);
  assert.deepEqual(before, expectedDocs(records));

  // The same bytes again on the topic (a producer retry of everything): applied, deduplicated, no write.
  const dedupBefore = await counter(first, 'wabus_consumer_events_deduplicated_total');
  await produce(kafka, topic, records);
  await first.runtime.whenApplied();
  assert.deepEqual(bsonOf(await readDocs(first.db)), bsonOf(before));
  assert.equal(
    (await counter(first, 'wabus_consumer_events_deduplicated_total')) - dedupBefore,
    statusCount,
    'every status event of the second copy changed nothing',
  );
  await first.stop();

  // A new group replays the whole topic (both copies) into the same database: nothing changes.
  const replay = await startTracker(t, { topic, dlqTopic, database });
  await replay.runtime.whenApplied();
  assert.deepEqual(bsonOf(await readDocs(replay.db)), bsonOf(before));
  assert.equal(await counter(replay, 'wabus_consumer_events_deduplicated_total'), 2 * statusCount, 'no write at all');
  await replay.stop();

  // ... and into a fresh database: the same bytes.
  const fresh = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
  await fresh.runtime.whenApplied();
  assert.deepEqual(bsonOf(await readDocs(fresh.db)), bsonOf(before));
});
