import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startCrmStandIn } from './crm.ts';

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function put(url: string, id: string, contact: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(contact);
  const res = await fetch(`${url}/contacts/${id}`, { method: 'PUT', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, json: (await res.json()) as unknown, headers: res.headers };
}

test('crm stand-in: upserts are last write wins; a repeated Idempotency-Key is answered from memory, not applied again', async (t) => {
  const crm = await startCrmStandIn();
  t.after(() => crm.close());
  assert.equal((await put(crm.url, 'c1', { id: 'c1', v: 1 }, { 'idempotency-key': 'k1' })).status, 200);
  assert.equal((await put(crm.url, 'c1', { id: 'c1', v: 2 }, { 'idempotency-key': 'k2' })).status, 200);
  const again = await put(crm.url, 'c1', { id: 'c1', v: 1 }, { 'idempotency-key': 'k1' });
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(crm.contacts.get('c1'), { id: 'c1', v: 2 }, 'the replayed key did not take the contact back');
  assert.deepEqual(
    crm.applied.map((a) => a.idempotencyKey),
    ['k1', 'k2'],
  );
  assert.equal((await put(crm.url, 'c2', { id: 'other' })).status, 400, 'path and body disagree');
  assert.equal(crm.requests.length, 4);
});

test('crm stand-in: signature and token are checked (401 otherwise, nothing applied)', async (t) => {
  const crm = await startCrmStandIn({ secret: 's3cret', token: 'tok' });
  t.after(() => crm.close());
  const contact = { id: 'c1', name: 'Zoë' };
  const body = JSON.stringify(contact);
  assert.equal((await put(crm.url, 'c1', contact, { authorization: 'Bearer tok' })).status, 401, 'unsigned');
  assert.equal((await put(crm.url, 'c1', contact, { authorization: 'Bearer tok', 'x-wabus-signature': sign('wrong', body) })).status, 401);
  assert.equal((await put(crm.url, 'c1', contact, { 'x-wabus-signature': sign('s3cret', body) })).status, 401, 'no token');
  assert.equal(crm.contacts.size, 0);
  assert.equal((await put(crm.url, 'c1', contact, { authorization: 'Bearer tok', 'x-wabus-signature': sign('s3cret', body) })).status, 200);
  assert.deepEqual(crm.contacts.get('c1'), contact);
});

test('crm stand-in: batch answers per item, item keys are remembered, rejected contacts get their 4xx', async (t) => {
  const crm = await startCrmStandIn();
  t.after(() => crm.close());
  crm.reject((id) => id === 'bad', { status: 422, body: { error: 'invalid phone' } });
  const items = [
    { idempotencyKey: 'a1', contact: { id: 'a' } },
    { idempotencyKey: 'b1', contact: { id: 'bad' } },
    { idempotencyKey: 'c1', contact: { id: 'c' } },
  ];
  const res = await fetch(`${crm.url}/contacts/batch`, { method: 'POST', body: JSON.stringify(items) });
  assert.deepEqual(await res.json(), {
    results: [
      { id: 'a', status: 200, body: { id: 'a', status: 'applied' } },
      { id: 'bad', status: 422, body: { error: 'invalid phone' } },
      { id: 'c', status: 200, body: { id: 'c', status: 'applied' } },
    ],
  });
  await fetch(`${crm.url}/contacts/batch`, { method: 'POST', body: JSON.stringify([items[0], { idempotencyKey: 'd1', contact: { id: 'd' } }]) });
  assert.deepEqual(
    crm.applied.map((a) => a.id),
    ['a', 'c', 'd'],
    'a1 was not applied twice',
  );
});

test('crm stand-in: scripted 5xx / 429 with Retry-After / drop / delay, each for N requests or by predicate', async (t) => {
  const crm = await startCrmStandIn();
  t.after(() => crm.close());
  crm.script({ kind: 'status', status: 503 }, { times: 2 });
  crm.script({ kind: 'status', status: 429, retryAfter: 3 }, { when: (r) => r.path === '/contacts/x' });
  crm.script({ kind: 'drop' });
  assert.equal((await put(crm.url, 'a', { id: 'a' })).status, 503);
  assert.equal((await put(crm.url, 'x', { id: 'x' })).status, 503);
  const limited = await put(crm.url, 'x', { id: 'x' });
  assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '3']);
  await assert.rejects(put(crm.url, 'a', { id: 'a' }), /fetch failed/);
  assert.equal((await put(crm.url, 'a', { id: 'a' })).status, 200);
  assert.deepEqual(
    crm.requests.map((r) => (r.outcome?.kind === 'answered' ? r.outcome.status : r.outcome?.kind)),
    [503, 503, 429, 'dropped', 200],
  );

  // A delayed request is applied even when its client gave up (as a real server would).
  crm.script({ kind: 'delay', ms: 300 });
  const arrived = crm.waitForRequests(6);
  await assert.rejects(fetch(`${crm.url}/contacts/slow`, { method: 'PUT', body: JSON.stringify({ id: 'slow' }), signal: AbortSignal.timeout(50) }));
  await arrived;
  assert.equal(crm.contacts.has('slow'), false, 'not yet');
  await crm.waitForRequests(1, (r) => r.path === '/contacts/slow' && r.outcome !== undefined);
  assert.deepEqual(crm.contacts.get('slow'), { id: 'slow' });
});
