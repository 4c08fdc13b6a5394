// Two tenants messaged by the same customer, each from its own business number: two conversations, each with its
// tenant, and `tenant=` on every read route keeps to one tenant's documents (docs/tenants.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WhatsAppEvent } from '@wabus/events';
import { createRng } from '@wabus/simulator';
import { shuffle } from '@wabus/testing';
import { CUSTOMER, inbound, text } from './message-events.test-support.ts';
import { createTopics, startService } from './service.test-support.ts';

const ACME = '106540352242922';
const GLOBEX = '107000000000001';

const owned = (tenantId: string | null, e: WhatsAppEvent): WhatsAppEvent => ({ ...e, tenantId });

test('message-store tenants: one customer writing to two tenants is two conversations, each its tenant, and tenant= separates them on every route', async (t) => {
  const events = [
    owned('acme', inbound(text('wamid.acme.1', 1_000), { phoneNumberId: ACME })),
    owned('acme', inbound(text('wamid.acme.2', 1_010), { phoneNumberId: ACME })),
    owned('globex', inbound(text('wamid.globex.1', 1_005), { phoneNumberId: GLOBEX })),
    owned('globex', inbound(text('wamid.globex.2', 1_020), { phoneNumberId: GLOBEX })),
  ];
  const topics = await createTopics(t);
  // Interleaved, some delivered twice (Meta retries): nothing of one tenant ends up in the other's documents.
  await topics.produce(shuffle(createRng('ms-tenants'), [...events, events[0]!, events[3]!]));
  const { app, runtime } = await startService(t, topics);
  await runtime.whenApplied();
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> & { items?: Record<string, unknown>[]; error?: { code: string } } };
  };

  for (const [wamid, own, other] of [
    ['wamid.acme.1', 'acme', 'globex'],
    ['wamid.globex.2', 'globex', 'acme'],
  ] as const) {
    for (const query of ['', `?tenant=${own}`]) {
      const res = await get(`/v1/messages/${wamid}${query}`);
      assert.equal(res.status, 200, `${wamid}${query}`);
      assert.equal(res.body['tenantId'], own);
    }
    const hidden = await get(`/v1/messages/${wamid}?tenant=${other}`);
    assert.deepEqual([hidden.status, hidden.body.error?.code], [404, 'WABUS_MESSAGE_STORE_NOT_FOUND'], `${wamid} is not ${other}'s`);
  }

  for (const [number, own, other, wamids] of [
    [ACME, 'acme', 'globex', ['wamid.acme.1', 'wamid.acme.2']],
    [GLOBEX, 'globex', 'acme', ['wamid.globex.1', 'wamid.globex.2']],
  ] as const) {
    const listed = await get(`/v1/conversations?phone_number_id=${number}&tenant=${own}`);
    assert.deepEqual(
      listed.body.items!.map((c) => [c['phoneNumberId'], c['tenantId']]),
      [[number, own]],
    );
    assert.deepEqual((await get(`/v1/conversations?phone_number_id=${number}&tenant=${other}`)).body.items, []);
    const one = await get(`/v1/conversations/${number}/${CUSTOMER}?tenant=${own}`);
    assert.deepEqual([one.status, one.body['tenantId']], [200, own]);
    assert.equal((await get(`/v1/conversations/${number}/${CUSTOMER}?tenant=${other}`)).status, 404);
    const msgs = await get(`/v1/conversations/${number}/${CUSTOMER}/messages?tenant=${own}`);
    assert.deepEqual(
      msgs.body.items!.map((m) => m['wamid']),
      wamids,
      'its messages, in order, each once',
    );
    assert.deepEqual((await get(`/v1/conversations/${number}/${CUSTOMER}/messages?tenant=${other}`)).body.items, []);
  }

  const numbers = async (query: string) => (await get(`/v1/numbers${query}`)).body.items!.map((n) => [n['phoneNumberId'], n['tenantId']]);
  assert.deepEqual(await numbers(''), [
    [ACME, 'acme'],
    [GLOBEX, 'globex'],
  ]);
  assert.deepEqual(await numbers('?tenant=acme'), [[ACME, 'acme']]);
  assert.deepEqual(await numbers('?tenant=globex'), [[GLOBEX, 'globex']]);
  assert.deepEqual(await numbers('?tenant=initech'), []);
});
