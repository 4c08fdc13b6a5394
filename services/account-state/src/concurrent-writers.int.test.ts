import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { databaseSnapshot, produceRecords, shuffle, uniqueName } from '@wabus/testing';
import { changeBody, templateStatusValue } from './account-events.test-support.ts';
import { recordsOf } from './account-workload.test-support.ts';
import type { TemplateDocument } from './account-documents.ts';
import { COLLECTIONS } from './account-indexes.ts';
import { createTopics, startAccountStateForTest, testDatabase, testKafka } from './account-state.test-support.ts';

const STATUSES = ['APPROVED', 'PAUSED', 'DISABLED', 'REJECTED', 'PENDING'];

test('two writers folding the whole topic into one database at once (replicas, a zombie, a replay racing the live group) store what one writer stores', async (t) => {
  const rng = createRng('account-state concurrent writers');
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka, 6);
  // 6 WABAs × 5 templates × 8 status events at distinct Meta times; the expected status is the latest one's.
  const expected = new Map<string, string>();
  const bodies: Buffer[] = [];
  for (let w = 0; w < 6; w++) {
    for (let n = 0; n < 5; n++) {
      const times = shuffle(
        rng,
        Array.from({ length: 40 }, (_, i) => 1_000 + i),
      ).slice(0, 8);
      let latest = { time: -1, event: '' };
      for (const time of times) {
        const event = STATUSES[rng.int(0, STATUSES.length - 1)]!;
        if (time > latest.time) latest = { time, event };
        bodies.push(changeBody('message_template_status_update', templateStatusValue({ event, time, name: `t${n}` }), time, `9000${w}`));
      }
      expected.set(`9000${w}/t${n}/en_us`, latest.event);
    }
  }
  let at = Date.UTC(2026, 0, 1);
  const delivered = shuffle(rng, [...bodies, ...bodies.filter(() => rng.chance(0.3))]);
  await produceRecords(
    kafka,
    topic,
    delivered.flatMap((b) => recordsOf(b, (at += 10), null)),
  );

  const alone = await startAccountStateForTest(t, { topic, dlqTopic, database: testDatabase(t) });
  await alone.runtime.whenApplied();
  const reference = await databaseSnapshot(alone.db);
  const docs = await alone.db.collection<TemplateDocument>(COLLECTIONS.templates).find().toArray();
  assert.deepEqual(new Map(docs.map((d) => [d._id, d.status?.value])), expected, 'every template in the status of its latest event by Meta time');
  assert.ok(docs.every((d) => d.history.length === 8));

  const shared = testDatabase(t);
  const [a, b] = await Promise.all([
    startAccountStateForTest(t, { topic, dlqTopic, database: shared, groupId: uniqueName('as.a') }),
    startAccountStateForTest(t, { topic, dlqTopic, database: shared, groupId: uniqueName('as.b') }),
  ]);
  await Promise.all([a.runtime.whenApplied(), b.runtime.whenApplied()]);
  assert.deepEqual(await databaseSnapshot(a.db), reference);
});
