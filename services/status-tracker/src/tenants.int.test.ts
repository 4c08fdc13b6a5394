import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent, eventRecord, explodeWebhook } from '@wabus/events';
import { createRng } from '@wabus/simulator';
import { shuffle, type RecordToProduce } from '@wabus/testing';
import { createTopics, expectedDocs, produce, readDocs, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

/** One customer, messaged by two tenants from their own numbers, and from a number that moved from acme to globex. */
const CUSTOMER = '5511999990000';
const ACME = { waba: '102290129340398', number: '106540352242922' };
const GLOBEX = { waba: '103000000000001', number: '107000000000001' };
const MOVED = { waba: '104000000000001', number: '108000000000001' };

interface Status {
  wamid: string;
  status: string;
  at: number;
  errorCode?: number;
}

/** The event record ingress writes for one status item of `tenant` (null: a record from before tenants). */
function statusRecord(owner: { waba: string; number: string }, tenant: string | null, s: Status, receivedAt: number): RecordToProduce {
  const status: Record<string, unknown> = { id: s.wamid, status: s.status, timestamp: String(s.at), recipient_id: CUSTOMER };
  if (s.errorCode !== undefined) status['errors'] = [{ code: s.errorCode, title: `error ${s.errorCode}`, message: `error ${s.errorCode}` }];
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: owner.number }, statuses: [status] };
  const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: owner.waba, changes: [{ value, field: 'messages' }] }] }));
  const exploded = explodeWebhook(body, { receivedAt });
  if (!exploded.ok || exploded.events.length !== 1) throw new Error('test body did not explode into one event');
  const event = { ...exploded.events[0]!, tenantId: tenant };
  const { key, value: bytes, headers } = eventRecord(event, exploded.deliveryId, receivedAt, encodeEvent);
  return { key, value: bytes, headers };
}

type Body = { error: { code: string } };

test('status-tracker tenants: two tenants messaging the same customer are stored with their tenant, and tenant= separates them on every route', async (t) => {
  const kafka = testKafka();
  const plan: [typeof ACME, string | null, Status][] = [
    [ACME, 'acme', { wamid: 'wamid.acme.1', status: 'sent', at: 1_000 }],
    [ACME, 'acme', { wamid: 'wamid.acme.1', status: 'read', at: 1_010 }],
    [ACME, null, { wamid: 'wamid.acme.1', status: 'delivered', at: 1_005 }], // the same message, one status from before tenants
    [ACME, 'acme', { wamid: 'wamid.acme.2', status: 'failed', at: 1_020, errorCode: 131026 }],
    [GLOBEX, 'globex', { wamid: 'wamid.globex.1', status: 'delivered', at: 1_000 }],
    [GLOBEX, 'globex', { wamid: 'wamid.globex.2', status: 'failed', at: 1_030, errorCode: 131047 }],
    [MOVED, 'acme', { wamid: 'wamid.moved.1', status: 'failed', at: 2_000, errorCode: 131026 }],
    [MOVED, 'globex', { wamid: 'wamid.moved.2', status: 'failed', at: 2_100, errorCode: 131047 }],
    [MOVED, 'globex', { wamid: 'wamid.moved.3', status: 'read', at: 2_200 }],
    [MOVED, null, { wamid: 'wamid.moved.4', status: 'sent', at: 1_900 }], // only ever seen before tenants
  ];
  const records = plan.map(([owner, tenant, s], i) => statusRecord(owner, tenant, s, 1_700_000_000_000 + i));
  const delivered = shuffle(createRng('tenants'), [...records, ...records.slice(0, 4)]);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, delivered);
  const tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
  await tracker.runtime.whenApplied();
  const { app } = tracker;

  const docs = await readDocs(tracker.db);
  assert.deepEqual(docs, expectedDocs(delivered), 'stored as the pure fold of the events');
  assert.deepEqual(
    docs.map((d) => [d._id, d.tenantId]),
    [
      ['wamid.acme.1', 'acme'],
      ['wamid.acme.2', 'acme'],
      ['wamid.globex.1', 'globex'],
      ['wamid.globex.2', 'globex'],
      ['wamid.moved.1', 'acme'],
      ['wamid.moved.2', 'globex'],
      ['wamid.moved.3', 'globex'],
      ['wamid.moved.4', null],
    ],
  );

  // One message: its own tenant or no tenant= find it; another tenant's is 404 with the not-found code.
  for (const [wamid, own, other] of [
    ['wamid.acme.1', 'acme', 'globex'],
    ['wamid.globex.1', 'globex', 'acme'],
  ] as const) {
    for (const query of ['', `?tenant=${own}`]) {
      const res = await app.inject({ url: `/v1/statuses/${wamid}${query}` });
      assert.equal(res.statusCode, 200, `${wamid}${query}`);
      assert.equal(res.json<{ tenantId: string }>().tenantId, own);
    }
    const res = await app.inject({ url: `/v1/statuses/${wamid}?tenant=${other}` });
    assert.equal(res.statusCode, 404, `${wamid} asked as ${other}'s`);
    assert.equal(res.json<Body>().error.code, 'WABUS_STATUS_TRACKER_NOT_FOUND');
  }
  const tenantless = await app.inject({ url: '/v1/statuses/wamid.moved.4?tenant=acme' });
  assert.equal(tenantless.statusCode, 404, "a document without tenant is no tenant's");

  const counts = async (number: string, query = '') => {
    const res = await app.inject({ url: `/v1/statuses/counts?phone_number_id=${number}${query}` });
    assert.equal(res.statusCode, 200, res.body);
    const { total, counts: c } = res.json<{ total: number; counts: Record<string, number> }>();
    return { total, ...Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0)) };
  };
  assert.deepEqual(await counts(ACME.number, '&tenant=acme'), { total: 2, read: 1, failed: 1 });
  assert.deepEqual(await counts(ACME.number, '&tenant=globex'), { total: 0 });
  assert.deepEqual(await counts(GLOBEX.number, '&tenant=globex'), { total: 2, delivered: 1, failed: 1 });
  // The moved number holds both tenants' messages (and one without tenant): tenant= splits them.
  assert.deepEqual(await counts(MOVED.number), { total: 4, sent: 1, read: 1, failed: 2 });
  assert.deepEqual(await counts(MOVED.number, '&tenant=acme'), { total: 1, failed: 1 });
  assert.deepEqual(await counts(MOVED.number, '&tenant=globex'), { total: 2, read: 1, failed: 1 });

  const failures = async (number: string, query = '') => {
    const res = await app.inject({ url: `/v1/statuses/failures?phone_number_id=${number}${query}` });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ failed: number; codes: { code: number | null; messages: number; examples: string[] }[] }>();
    return { failed: body.failed, codes: body.codes.map(({ code, messages, examples }) => ({ code, messages, examples })) };
  };
  assert.deepEqual(await failures(MOVED.number), {
    failed: 2,
    codes: [
      { code: 131026, messages: 1, examples: ['wamid.moved.1'] },
      { code: 131047, messages: 1, examples: ['wamid.moved.2'] },
    ],
  });
  assert.deepEqual(await failures(MOVED.number, '&tenant=acme'), { failed: 1, codes: [{ code: 131026, messages: 1, examples: ['wamid.moved.1'] }] });
  assert.deepEqual(await failures(MOVED.number, '&tenant=globex'), { failed: 1, codes: [{ code: 131047, messages: 1, examples: ['wamid.moved.2'] }] });
  assert.deepEqual(await failures(GLOBEX.number, '&tenant=acme'), { failed: 0, codes: [] });
});
