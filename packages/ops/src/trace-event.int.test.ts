import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpsError } from './errors.ts';
import { connectAdmin } from './kafka-admin.ts';
import { loadDeadLetters } from './load-dead-letters.ts';
import { createOpsTopics, produceEvents, startTestService } from './ops-fixture.test-support.ts';
import { redriveDeadLetters } from './redrive-dead-letters.ts';
import { traceEvent, type TraceOptions } from './trace-event.ts';
import { KEY, testEvent } from './test-dead-letter.test-support.ts';

test("trace: an event's records, how far each group got, and its dead letters with what was done and what became of the re-drive", async (t) => {
  const topics = await createOpsTopics(t);
  const admin = await connectAdmin(topics.kafka);
  t.after(() => admin.disconnect());
  const svc = await startTestService(t, topics, { rejectStickers: true });
  const message = testEvent('wamid.X1');
  const sticker = testEvent('wamid.X2', { type: 'sticker' });
  const delivered = testEvent('wamid.X1', { status: 'delivered' });
  await produceEvents(topics, [message, sticker, delivered]);
  await svc.service.runtime.whenApplied();
  await svc.stop();
  const later = testEvent('wamid.X3');
  await produceEvents(topics, [later]);

  const missing = `${topics.topic}.dlq.nobody`;
  const base: Omit<TraceOptions, 'id'> = {
    topic: topics.topic,
    sinceMs: Date.now() - 3_600_000,
    dlqTopics: [topics.dlqTopic, missing],
    ledgerTopic: topics.ledgerTopic,
  };
  const trace = (id: string, o: Partial<TraceOptions> = {}) => traceEvent(topics.kafka, admin, { ...base, id, ...o });

  // A wamid finds the message and its status; the group is past both.
  const byWamid = await trace('wamid.X1');
  assert.deepEqual(
    byWamid.records.map((r) => r.event?.eventId),
    [message.eventId, delivered.eventId],
  );
  assert.deepEqual(
    byWamid.records.map((r) => r.consumers),
    [[{ groupId: svc.groupId, committed: '3', state: 'applied' }], [{ groupId: svc.groupId, committed: '3', state: 'applied' }]],
  );
  const r0 = byWamid.records[0]!;
  assert.equal(r0.record.key, KEY);
  assert.equal(r0.record.offset, '0');
  assert.equal(r0.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(r0.record.headers['wabus-event-id'], message.eventId);
  assert.deepEqual(byWamid.deadLetters, []);
  assert.deepEqual(byWamid.skippedTopics, [missing]);

  // Produced after the group stopped: not yet; --key narrows the search to the conversation's partition.
  const notYet = await trace(later.eventId, { key: KEY });
  assert.deepEqual(notYet.partitions, [r0.record.partition]);
  assert.deepEqual(
    notYet.records.map((r) => [r.record.offset, r.consumers[0]!.state]),
    [['3', 'not-yet']],
  );

  // The sticker: dead-lettered by the group, its dead letter pending.
  const lettered = await trace(sticker.eventId);
  assert.deepEqual(
    lettered.records.map((r) => r.consumers[0]!.state),
    ['dead-lettered'],
  );
  assert.equal(lettered.deadLetters.length, 1);
  const [d] = lettered.deadLetters;
  assert.equal(d!.status, 'pending');
  assert.equal(d!.redrive, null);
  assert.deepEqual(d!.entry.source, { topic: topics.topic, partition: r0.record.partition, offset: '1' });

  // Re-driven while the service is down: not yet applied; once the fixed service runs, applied by its redrive group.
  const { entries } = await loadDeadLetters(topics.kafka, admin, { dlqTopics: [topics.dlqTopic], ledgerTopic: topics.ledgerTopic });
  await redriveDeadLetters(topics.kafka, admin, entries, {
    redriveTopic: topics.redriveTopic,
    ledgerTopic: topics.ledgerTopic,
    by: 'ana',
    now: () => new Date(),
  });
  const waiting = (await trace(sticker.eventId)).deadLetters[0]!;
  assert.equal(waiting.status, 'redriven');
  assert.equal(waiting.action?.by, 'ana');
  assert.deepEqual(waiting.redrive, { state: 'not-yet', groups: [] });
  const fixed = await startTestService(t, topics, { rejectStickers: false, groupId: svc.groupId, database: svc.database });
  await fixed.service.redrive!.whenApplied();
  const after = (await trace(sticker.eventId)).deadLetters[0]!;
  assert.equal(after.redrive?.state, 'applied');
  assert.deepEqual(
    after.redrive?.groups.map((g) => g.groupId),
    [`${svc.groupId}.redrive`],
  );
  assert.equal((await fixed.conversation(KEY))?.eventIds.filter((id) => id === sticker.eventId).length, 1, 'the re-driven sticker is applied, once');

  await assert.rejects(trace('wamid.nothing'), (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH'));
  await assert.rejects(trace('wamid.X1', { sinceMs: Date.now() + 3_600_000 }), (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH') && /since/.test(e.message));
  await assert.rejects(trace('wamid.X1', { key: `${KEY}0` }), (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH'));
  await assert.rejects(trace('wamid.X1', { topic: `${topics.topic}.missing` }), (e) => OpsError.is(e, 'WABUS_OPS_TOPIC_MISSING'));
});
