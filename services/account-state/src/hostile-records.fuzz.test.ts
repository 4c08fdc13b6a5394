// Records whose item is hostile (docs/fuzz.md, consumers), between good account changes on one partition: each is
// applied or dead-lettered with a code, and the good changes after them are applied (nothing poisons the partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import type { AccountDocument } from './account-documents.ts';
import { accountCollections } from './account-indexes.ts';
import { readAccountFacts } from './read-account-facts.ts';
import { startAccountStateForTest, testDatabase, testKafka } from './account-state.test-support.ts';

test('account-state: hostile records are applied or dead-lettered with a code, and never hold back the account changes after them', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, {
    prefix: 'as.hostile',
    kinds: ['account_update', 'template_status', 'phone_quality', 'user_preferences'],
    bodies: 90,
  });
  let service: Awaited<ReturnType<typeof startAccountStateForTest>> | undefined;
  const run = await consumeHostileRecords({
    kafka,
    topic,
    dlqTopic,
    good,
    hostile,
    start: async () => (service = await startAccountStateForTest(t, { topic, dlqTopic, database: testDatabase(t) })),
  });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  // Every good account change after the hostile ones is in its entity's history, by event id.
  const c = accountCollections(service!.db);
  const byEntity = { waba: c.wabas, phoneNumber: c.phoneNumbers, template: c.templates } as const;
  let checked = 0;
  const missing: string[] = [];
  for (const r of run.goodAfter) {
    const event = decodeEvent(r.value);
    const read = readAccountFacts(event);
    if (read.kind !== 'change') continue;
    const fact = read.facts[0]!;
    const doc = (await byEntity[fact.entity].findOne({ _id: fact.id })) as AccountDocument | null;
    checked++;
    if (!doc?.history.some((h) => h.eventId === event.eventId)) missing.push(`${event.field} ${event.eventId}`);
  }
  assert.ok(checked > 5, `only ${checked} good account changes after the hostile records`);
  assert.deepEqual(missing, [], 'every good account change after the hostile ones is stored');
  assert.ok(service!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
