import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BSON } from 'mongodb';
import { contentHash } from '@wabus/projection';
import { readSendEvent } from '@wabus/events';
import { readTopic, type RecordToProduce } from '@wabus/testing';
import { evolveSend } from './evolve-status.ts';
import { readSendFact } from './send-fact.ts';
import { createSendsTopic, sendRecord, sentEvent } from './sends.test-support.ts';
import type { StatusDocument } from './status-document.ts';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { counter, createTopics, expectedDocs, produce, readDocs, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const bsonOf = (docs: object[]) => docs.map((d) => Buffer.from(BSON.serialize(d)).toString('base64'));

/** The oracle: the pure fold of the statuses, then of the sends, with the `_h` the store must hold. */
function expectedJoin(statusRecords: Parameters<typeof expectedDocs>[0], sends: readonly RecordToProduce[]): StatusDocument[] {
  const docs = new Map(expectedDocs(statusRecords).map(({ _h, ...d }) => [d._id, d as StatusDocument]));
  for (const r of sends) {
    const f = readSendFact(readSendEvent(r.value, r.headers ?? {}));
    if (f.kind === 'fact') docs.set(f.fact.wamid, evolveSend(docs.get(f.fact.wamid) ?? null, f.fact));
  }
  return [...docs.values()].map((d) => ({ ...d, _h: contentHash(d) })).sort((a, b) => (a._id < b._id ? -1 : 1));
}

test('status-tracker sends: sends before their statuses and after them, each twice, give byte-identical documents with the send; malformed send records are counted and skipped', async (t) => {
  const kafka = testKafka();
  const statusRecords = deliver(statusWorkload({ seed: 'join', messages: 40 }), { seed: 'join-order', maxPerBody: 3 });
  const wamids = expectedDocs(statusRecords).map((d) => d._id);
  const sends: RecordToProduce[] = [
    ...wamids.slice(0, 30).map((w, i) => sendRecord(sentEvent(w, `snd_${String(i).padStart(3, '0')}`), TP)),
    // A send whose statuses never came (yet), and a second send naming one wamid (the least sendId is kept).
    sendRecord(sentEvent('wamid.no-status-yet', 'snd_lonely', { tenantId: 'globex' }), TP),
    sendRecord(sentEvent(wamids[0]!, 'snd_zzz')),
    // Not joined: a failed send, a read mark (no wamid).
    sendRecord({ ...sentEvent('x', 'snd_failed'), state: 'failed', wamid: null, error: { code: '131026' } }),
    sendRecord({ ...sentEvent('x', 'snd_read'), type: 'read', customer: null, wamid: null }),
  ];
  const malformed: RecordToProduce[] = [
    { key: 'k', value: Buffer.from('not json') },
    { key: 'k', value: Buffer.from(JSON.stringify({ ...sentEvent('wamid.bad', 'snd_bad'), state: 'pending' })) },
    { key: 'k', value: Buffer.from('{"sendId":"snd_x"}') },
  ];
  // The same sends again (the sender's sweep appends without traceparent), malformed records among them.
  const sendsTwice = [...malformed.slice(0, 2), ...sends, malformed[2]!, ...sends.map((r) => ({ key: r.key, value: r.value }))];

  // A: the sends first, applied before any status is produced; B: the statuses first, then the sends.
  const [a, b] = await Promise.all([createTopics(t, kafka, 3), createTopics(t, kafka, 1)]);
  const [sendsA, sendsB] = await Promise.all([createSendsTopic(t, kafka), createSendsTopic(t, kafka)]);
  await produce(kafka, sendsA, sendsTwice);
  await produce(kafka, b.topic, statusRecords);
  const [trA, trB] = await Promise.all([
    startTracker(t, { ...a, database: testDatabase(t), sendsTopic: sendsA, maxBatch: 7 }),
    startTracker(t, { ...b, database: testDatabase(t), sendsTopic: sendsB }),
  ]);
  await Promise.all([trA.additional!.whenApplied(), trB.runtime.whenApplied()]);
  assert.equal((await readDocs(trA.db)).filter((d) => d.send !== null && d.status === null).length, 31, 'A: send-only documents before any status');
  assert.equal((await readDocs(trB.db)).filter((d) => d.send !== null).length, 0, 'B: no send read yet');
  await Promise.all([produce(kafka, a.topic, statusRecords), produce(kafka, sendsB, sendsTwice)]);
  await Promise.all([trA.runtime.whenApplied(), trB.additional!.whenApplied()]);
  // Statuses again on A (a redelivery): nothing changes.
  await produce(kafka, a.topic, statusRecords);
  await trA.runtime.whenApplied();

  const [docsA, docsB] = await Promise.all([readDocs(trA.db), readDocs(trB.db)]);
  assert.deepEqual(bsonOf(docsA), bsonOf(docsB), 'byte-identical, _h included, whichever came first');
  assert.deepEqual(docsA, expectedJoin(statusRecords, sends), 'and equal to the pure fold');
  const first = docsA.find((d) => d._id === wamids[0])!;
  assert.deepEqual(first.send, {
    sendId: 'snd_000',
    tenantId: 'acme',
    phoneNumberId: '106540352242922',
    type: 'text',
    at: '2026-01-02T03:04:05.000Z',
    traceparent: TP,
  });
  assert.equal(docsA.filter((d) => d.send !== null).length, 31);
  assert.ok(docsA.filter((d) => d.send !== null && d.history.length > 0).every((d) => d.status !== null || d.history.every((h) => h.status === 'deleted')));

  for (const tr of [trA, trB]) {
    // The API shows the send with the status; a send without a status yet is found (also by its send's tenant).
    const one = await tr.app.inject({ url: `/v1/statuses/${encodeURIComponent(wamids[0]!)}` });
    assert.equal(one.statusCode, 200);
    const body = JSON.parse(one.body) as { status: string | null; send: { sendId: string } | null };
    assert.deepEqual([body.status, body.send?.sendId], [first.status, 'snd_000']);
    const lonely = JSON.parse((await tr.app.inject({ url: '/v1/statuses/wamid.no-status-yet?tenant=globex' })).body) as Record<string, unknown>;
    assert.deepEqual([lonely['status'], lonely['history'], (lonely['send'] as { sendId: string }).sendId], [null, [], 'snd_lonely']);
    assert.equal((await tr.app.inject({ url: '/v1/statuses/wamid.no-status-yet?tenant=acme' })).statusCode, 404);
    // Counted by reason once each (the second copy of a malformed record is not there: 3 in all), never dead-lettered.
    const skipped = await tr.metrics.registry.getSingleMetric('wabus_status_tracker_sends_skipped_total')!.get();
    const by = Object.fromEntries(skipped.values.map((v) => [v.labels['reason'], v.value]));
    assert.deepEqual(by, { malformed: 3, not_sent: 4 });
    assert.ok((await counter(tr, 'wabus_consumer_events_deduplicated_total')) > 0);
  }
  assert.equal((await readTopic(kafka, a.dlqTopic)).length + (await readTopic(kafka, b.dlqTopic)).length, 0, 'nothing dead-lettered');
});
