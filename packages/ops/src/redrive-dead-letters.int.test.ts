import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTopic } from '@wabus/testing';
import { statusOf } from './action-ledger.ts';
import { REDRIVE_OF_HEADER } from './dead-letters.ts';
import { connectAdmin } from './kafka-admin.ts';
import { loadDeadLetters } from './load-dead-letters.ts';
import { createOpsTopics, produceEvents, startTestService } from './ops-fixture.test-support.ts';
import { redriveDeadLetters } from './redrive-dead-letters.ts';
import { selectDeadLetters } from './select-dead-letters.ts';
import { summarizeDeadLetters } from './summarize-dead-letters.ts';
import { KEY, testEvent } from './test-dead-letter.test-support.ts';

const now = () => new Date('2025-03-01T12:00:00.000Z');

test('a dead-lettered event re-driven after a fix is applied once; re-driven before the fix it is dead-lettered again; re-driven again it changes nothing', async (t) => {
  const topics = await createOpsTopics(t);
  const admin = await connectAdmin(topics.kafka);
  t.after(() => admin.disconnect());
  const svc = await startTestService(t, topics, { rejectStickers: true });
  const [a, sticker, b] = [testEvent('wamid.R1'), testEvent('wamid.R2', { type: 'sticker' }), testEvent('wamid.R3')];
  await produceEvents(topics, [a!, sticker!, b!]);
  await svc.service.runtime.whenApplied();

  const load = () => loadDeadLetters(topics.kafka, admin, { dlqTopics: [topics.dlqTopic], ledgerTopic: topics.ledgerTopic });
  const first = await load();
  assert.equal(first.entries.length, 1, 'the sticker was dead-lettered');
  const [letter] = first.entries;
  assert.equal(letter!.eventId, sticker!.eventId);
  assert.equal(letter!.error.code, 'WABUS_EVENT_REJECTED');
  assert.deepEqual((await svc.conversation(KEY))?.eventIds, [a!.eventId, b!.eventId]);

  // Re-driven before the fix: the service fails it again, and the new dead letter says what it was a re-drive of.
  const redrive = (entries: typeof first.entries) =>
    redriveDeadLetters(topics.kafka, admin, entries, { redriveTopic: topics.redriveTopic, ledgerTopic: topics.ledgerTopic, by: 'ana', now });
  const early = await redrive(selectDeadLetters(first.entries, first.ledger, { eventId: sticker!.eventId }, (s) => s === 'pending').chosen);
  assert.equal(early.length, 1);
  await svc.service.redrive!.whenApplied();
  const second = await load();
  assert.equal(second.entries.length, 2);
  const again = second.entries[1]!;
  assert.equal(again.redriveOf, letter!.id);
  assert.equal(again.source.topic, topics.redriveTopic);
  assert.equal(again.group, `${svc.groupId}.redrive`);
  assert.equal(statusOf(second.ledger, letter!.id), 'redriven');
  assert.equal(statusOf(second.ledger, again.id), 'pending');

  // The fix. Only the pending entry is chosen: the first one was re-driven already.
  svc.behaviour.rejectStickers = false;
  const pick = selectDeadLetters(second.entries, second.ledger, { eventId: sticker!.eventId }, (s) => s === 'pending');
  assert.deepEqual(
    pick.chosen.map((e) => e.id),
    [again.id],
  );
  assert.deepEqual(
    pick.skipped.map((s) => [s.entry.id, s.status]),
    [[letter!.id, 'redriven']],
  );
  const applied = svc.counts.applied;
  const [done] = await redrive(pick.chosen);
  await svc.service.redrive!.whenApplied();
  assert.deepEqual((await svc.conversation(KEY))?.eventIds, [a!.eventId, b!.eventId, sticker!.eventId], 'applied, once');
  assert.equal(svc.counts.applied - applied, 1);

  // What went to the redrive topic: the original key, value and headers, plus wabus-redrive-of; no wabus-dlq-* header.
  const onRedrive = await readTopic(topics.kafka, topics.redriveTopic);
  const record = onRedrive.find((r) => r.partition === done!.redrivePartition && r.offset === done!.redriveOffset)!;
  assert.equal(record.key, KEY);
  assert.ok(record.value?.equals(letter!.value!));
  assert.equal(record.headers[REDRIVE_OF_HEADER], again.id);
  assert.equal(record.headers['wabus-event-id'], sticker!.eventId);
  assert.deepEqual(
    Object.keys(record.headers).filter((k) => k.startsWith('wabus-dlq-')),
    [],
  );

  // Re-driving both entries once more (--again): delivered twice more, deduplicated, nothing changes.
  const third = await load();
  const all = selectDeadLetters(third.entries, third.ledger, { all: true }, () => true);
  assert.equal(all.chosen.length, 2);
  const duplicates = svc.counts.duplicates;
  await redrive(all.chosen);
  await svc.service.redrive!.whenApplied();
  assert.deepEqual((await svc.conversation(KEY))?.eventIds, [a!.eventId, b!.eventId, sticker!.eventId]);
  assert.equal(svc.counts.duplicates - duplicates, 2);

  const final = await load();
  assert.equal(final.entries.length, 2, 'nothing was dead-lettered after the fix');
  assert.deepEqual(summarizeDeadLetters([{ consumer: 'message-store', dlqTopic: topics.dlqTopic }], final.entries, final.ledger)[0], {
    consumer: 'message-store',
    dlqTopic: topics.dlqTopic,
    total: 2,
    pending: 0,
    redriven: 2,
    discarded: 0,
    codes: [{ code: 'WABUS_EVENT_REJECTED', total: 2, pending: 0, redriven: 2, discarded: 0 }],
  });
  const last = final.ledger.get(again.id)!;
  assert.equal(last.by, 'ana');
  assert.equal(last.at, now().toISOString());
  assert.equal(last.redriveTopic, topics.redriveTopic);
});
