import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent, eventRecord, explodeWebhook } from '@wabus/events';
import { startCrmStandIn } from '@wabus/standins';
import { writeTenantsFile, type RecordToProduce } from '@wabus/testing';
import type { contactView } from './contact-routes.ts';
import { asJson, expectedContacts } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, readContactDocs, SECRET, startCrmSync, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

const PN = '1065';
let seq = 0;

/** One inbound text from a user known by a phone, a BSUID or both (a missing id is absent from the body). */
function message(o: { phone?: string; bsuid?: string; wamid: string; at: number; phoneNumberId?: string }): Buffer {
  const ids = { ...(o.phone ? { wa_id: o.phone } : {}), ...(o.bsuid ? { user_id: o.bsuid } : {}) };
  const from = { ...(o.phone ? { from: o.phone } : {}), ...(o.bsuid ? { from_user_id: o.bsuid } : {}) };
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001111', phone_number_id: o.phoneNumberId ?? PN },
    contacts: [{ profile: { name: 'Ana' }, ...ids }],
    messages: [{ ...from, id: o.wamid, timestamp: String(o.at), type: 'text', text: { body: `hi ${o.wamid}` } }],
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field: 'messages', value }] }] }));
}

/** A `user_changed_number` system message: the user of `from` now has the number `to`. */
function changedNumber(from: string, to: string, wamid: string, at: number): Buffer {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550001111', phone_number_id: PN },
    messages: [
      { from, id: wamid, timestamp: String(at), type: 'system', system: { body: `changed from ${from} to ${to}`, wa_id: to, type: 'user_changed_number' } },
    ],
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'waba', changes: [{ field: 'messages', value }] }] }));
}

/** The record ingress writes for a body (its tenant in the event and the header). */
function recordOf(body: Buffer, tenantId: string | null = null): RecordToProduce {
  const r = explodeWebhook(body, { receivedAt: 1_750_000_000_000 + ++seq });
  assert.ok(r.ok && r.events.length === 1);
  const e = eventRecord({ ...r.events[0]!, tenantId }, 'delivery', 1_750_000_000_000, encodeEvent);
  return { key: e.key, value: e.value, headers: e.headers };
}

const ORDERS = [
  ['A', 'B', 'C'],
  ['A', 'C', 'B'],
  ['B', 'A', 'C'],
  ['B', 'C', 'A'],
  ['C', 'A', 'B'],
  ['C', 'B', 'A'],
] as const;

for (const batch of ['1', '500']) {
  test(`crm-sync identity (batches of ${batch}): A (phone + BSUID), B (BSUID only), C (phone only) in all six orders, then all replayed: one CRM contact per person holding both ids and every message, found by either id; a number change keeps one contact`, async (t) => {
    const kafka = testKafka();
    const { topic, dlqTopic } = await createTopics(t, kafka, 1);
    const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
    t.after(() => crm.close());
    // One person per order: phone 55119000000<i>, BSUID BR.<i>…
    const people = ORDERS.map((order, i) => ({ order, phone: `551190000000${i}`, bsuid: `BR.${String(i).repeat(19)}` }));
    const records: RecordToProduce[] = [];
    for (const p of people) {
      const body = { A: { phone: p.phone, bsuid: p.bsuid }, B: { bsuid: p.bsuid }, C: { phone: p.phone } };
      p.order.forEach((which, j) => records.push(recordOf(message({ ...body[which], wamid: `wamid.${p.phone}.${which}`, at: 1_750_000_000 + j }))));
    }
    // A user who changes their number: one message from each number, the notice between.
    records.push(recordOf(message({ phone: '4915100000001', wamid: 'wamid.OLDNUM', at: 1_750_000_100 })));
    records.push(recordOf(changedNumber('4915100000001', '4915100000002', 'wamid.CHANGE', 1_750_000_101)));
    records.push(recordOf(message({ phone: '4915100000002', wamid: 'wamid.NEWNUM', at: 1_750_000_102 })));
    await produce(kafka, topic, records);
    const env = crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url, extra: { WABUS_MAX_BATCH: batch } });
    const service = await startCrmSync(t, env);
    await service.runtime.whenApplied();

    const expected = expectedContacts(records);
    assert.equal(expected.size, people.length + 1, 'the oracle sees one person per order, and the number changer as one');
    assert.deepEqual(asJson(crm.contacts), asJson(expected), 'the CRM holds one contact per person, nothing else');
    for (const p of people) {
      const c = crm.contacts.get(p.bsuid) as { waId: string; userId: string; aliases: string[]; conversations: { inboundMessages: number }[] };
      assert.ok(c, `${p.order.join('')}: the contact is the person's`);
      assert.deepEqual([c.waId, c.userId, c.aliases], [p.phone, p.bsuid, [`bsuid:${p.bsuid}`, `phone:${p.phone}`]]);
      assert.equal(c.conversations[0]!.inboundMessages, 3, `${p.order.join('')}: every message counted once`);
      for (const id of [p.phone, p.bsuid]) {
        const view = (await service.app.inject({ url: `/v1/contacts/${id}` })).json<ReturnType<typeof contactView>>();
        assert.equal(view.id, p.bsuid, `GET /v1/contacts/${id} finds the one contact`);
      }
    }
    const changer = crm.contacts.get('4915100000001') as { aliases: string[]; conversations: { inboundMessages: number }[] };
    assert.deepEqual(changer.aliases, ['phone:4915100000001', 'phone:4915100000002']);
    assert.equal(changer.conversations[0]!.inboundMessages, 3, "both numbers' messages and the notice");
    assert.equal((await service.app.inject({ url: '/v1/contacts/4915100000002' })).json<{ id: string }>().id, '4915100000001');

    // Replayed (Meta retries, a re-drive): nothing changes, nothing is called.
    const before = crm.requests.length;
    await produce(kafka, topic, records);
    await service.runtime.whenApplied();
    assert.deepEqual(asJson(crm.contacts), asJson(expected));
    assert.equal(crm.requests.length, before, 'a replay of known facts calls the CRM for nothing');
    const docs = await readContactDocs(service);
    assert.ok(
      docs.filter((d) => d.mergedInto !== undefined).every((d) => d.removedFromCrm === true),
      'every merged contact was deleted from the CRM',
    );
    assert.equal(docs.filter((d) => d.mergedInto === undefined).length, expected.size);
  });
}

test("crm-sync tenants: the same customer writing to two tenants, interleaved, is two contacts, each in its tenant's CRM; reads filter by tenant and an id of several tenants asks which", async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const shared = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  const globexCrm = await startCrmStandIn({ secret: SECRET, token: 'globex-crm-token' });
  t.after(() => Promise.all([shared.close(), globexCrm.close()]));
  const path = writeTenantsFile(t, [
    { id: 'acme', appSecrets: ['a'], phoneNumberIds: ['1001'] },
    { id: 'globex', appSecrets: ['g'], phoneNumberIds: ['2001'], crm: { baseUrl: globexCrm.url, authToken: 'globex-crm-token' } },
  ]);
  const customer = { phone: '5511987654321', bsuid: 'BR.1234567890123456789' };
  const records: RecordToProduce[] = [];
  for (let i = 0; i < 6; i++) {
    records.push(recordOf(message({ ...customer, wamid: `wamid.ACME${i}`, at: 1_750_000_000 + i, phoneNumberId: '1001' }), 'acme'));
    records.push(recordOf(message({ phone: customer.phone, wamid: `wamid.GLOBEX${i}`, at: 1_750_000_000 + i, phoneNumberId: '2001' }), 'globex'));
  }
  // Written before tenants: the owner of its number in the tenants file is its tenant.
  records.push(recordOf(message({ phone: customer.phone, wamid: 'wamid.OLD', at: 1_750_000_010, phoneNumberId: '2001' })));
  await produce(kafka, topic, records);
  const service = await startCrmSync(t, crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: shared.url, extra: { WABUS_TENANTS_FILE: path } }));
  await service.runtime.whenApplied();

  const expected = expectedContacts(records, (e) => e.tenantId ?? 'globex');
  assert.deepEqual([...expected.keys()], [`acme:${customer.bsuid}`, `globex:${customer.phone}`]);
  assert.deepEqual(
    asJson(shared.contacts),
    asJson(new Map([[`acme:${customer.bsuid}`, expected.get(`acme:${customer.bsuid}`)]])),
    "acme's contact in crm-sync's CRM",
  );
  assert.deepEqual(
    asJson(globexCrm.contacts),
    asJson(new Map([[`globex:${customer.phone}`, expected.get(`globex:${customer.phone}`)]])),
    "globex's in its own",
  );
  assert.equal((globexCrm.contacts.get(`globex:${customer.phone}`) as { conversations: { inboundMessages: number }[] }).conversations[0]!.inboundMessages, 7);
  assert.ok(globexCrm.requests.every((r) => r.headers['authorization'] === 'Bearer globex-crm-token'));

  const get = async (url: string) => {
    const r = await service.app.inject({ url });
    return { status: r.statusCode, body: r.json<{ id?: string; tenantId?: string; error?: { code: string; message: string } }>() };
  };
  const ambiguous = await get(`/v1/contacts/${customer.phone}`);
  assert.equal(ambiguous.status, 409);
  assert.equal(ambiguous.body.error?.code, 'WABUS_CRM_SYNC_AMBIGUOUS');
  assert.match(ambiguous.body.error!.message, /customer of several tenants \(acme, globex\)/);
  assert.deepEqual(await get(`/v1/contacts/${customer.phone}?tenant=acme`).then((r) => [r.status, r.body.id, r.body.tenantId]), [
    200,
    `acme:${customer.bsuid}`,
    'acme',
  ]);
  assert.deepEqual(await get(`/v1/contacts/${customer.bsuid}`).then((r) => [r.status, r.body.id]), [200, `acme:${customer.bsuid}`], "the BSUID is acme's only");
  assert.equal((await get(`/v1/contacts/${customer.bsuid}?tenant=globex`)).status, 404);
  const list = (await service.app.inject({ url: '/v1/contacts?tenant=globex' })).json<{ contacts: { id: string }[] }>();
  assert.deepEqual(
    list.contacts.map((c) => c.id),
    [`globex:${customer.phone}`],
  );
});
