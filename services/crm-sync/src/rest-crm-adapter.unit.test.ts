import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startCrmStandIn, type CrmRequest } from '@wabus/standins';
import { emptyContact, type ContactState } from './contact-state.ts';
import { idempotencyKey } from './crm-adapter.ts';
import { createCrmHttp, signCrmBody } from './crm-http.ts';
import { CrmSyncError } from './errors.ts';
import { createRestCrmAdapter } from './rest-crm-adapter.ts';

const contact = (id: string, name = `name ${id}`): ContactState => ({ ...emptyContact(id), waId: id, profileName: name, profileNameAt: 1 });

async function setup(
  t: TestContext,
  o: { batch?: boolean; batchSize?: number; budgetMs?: number; timeoutMs?: number; secret?: string; standInSecret?: string } = {},
) {
  const crm = await startCrmStandIn({ secret: o.standInSecret ?? 'shh', token: 'tok' });
  t.after(() => crm.close());
  const http = createCrmHttp({
    baseUrl: `${crm.url}/`,
    auth: { header: 'Authorization', value: 'Bearer tok' },
    signingSecret: o.secret ?? 'shh',
    timeoutMs: o.timeoutMs ?? 2_000,
    backoff: { baseMs: 20, maxMs: 100 },
  });
  const adapter = createRestCrmAdapter({ http, batch: o.batch ?? false, batchSize: o.batchSize ?? 100, concurrency: 1, retryBudgetMs: o.budgetMs ?? 5_000 });
  return { crm, adapter };
}

const statusOf = (r: CrmRequest) => (r.outcome?.kind === 'answered' ? r.outcome.status : r.outcome?.kind);

test('adapter: one signed PUT per contact with the bearer token and a per-state Idempotency-Key; a repeat is answered from memory', async (t) => {
  const { crm, adapter } = await setup(t);
  const a = contact('5511', 'Zoë 🌸');
  assert.deepEqual(await adapter.upsert([a, contact('4477')]), [
    { id: '5511', outcome: 'applied' },
    { id: '4477', outcome: 'applied' },
  ]);
  const [first] = crm.requests;
  assert.equal(first?.method, 'PUT');
  assert.equal(first?.path, '/contacts/5511');
  assert.equal(first?.body, JSON.stringify(a));
  assert.equal(first?.headers['x-wabus-signature'], signCrmBody('shh', JSON.stringify(a)));
  assert.equal(first?.headers['authorization'], 'Bearer tok');
  assert.equal(first?.headers['idempotency-key'], idempotencyKey(a));
  assert.notEqual(idempotencyKey(a), idempotencyKey({ ...a, lastSeenAt: 2 }), 'another state, another key');
  assert.equal(idempotencyKey(a), idempotencyKey(JSON.parse(JSON.stringify(a)) as ContactState), 'a function of the content');

  await adapter.upsert([a]);
  assert.equal(crm.applied.length, 2, 'the repeat was not applied again');
  assert.deepEqual(crm.contacts.get('5511'), a);
});

test('adapter: a wrong signing secret is a 401: retried (never dead-lettered), then WABUS_CRM_UNAVAILABLE', async (t) => {
  const { crm, adapter } = await setup(t, { secret: 'wrong', budgetMs: 1_000 });
  await assert.rejects(
    adapter.upsert([contact('1')]),
    (e: unknown) => e instanceof CrmSyncError && e.code === 'WABUS_CRM_UNAVAILABLE' && !e.inDoubt && /HTTP 401/.test(e.message),
  );
  assert.ok(crm.requests.length >= 2 && crm.requests.every((r) => statusOf(r) === 401));
});

test('adapter: batches of batchSize, one key per batch; a refused item is rejected with its request and the answer', async (t) => {
  const { crm, adapter } = await setup(t, { batch: true, batchSize: 3 });
  crm.reject((id) => id === 'c4', { status: 422, body: { error: 'invalid phone number' } });
  const contacts = Array.from({ length: 7 }, (_, i) => contact(`c${i}`));
  const results = await adapter.upsert(contacts);
  assert.equal(crm.requests.length, 3);
  assert.ok(crm.requests.every((r) => r.method === 'POST' && r.path === '/contacts/batch' && r.headers['idempotency-key']?.length === 64));
  assert.deepEqual(
    JSON.parse(crm.requests[0]!.body),
    contacts.slice(0, 3).map((c) => ({ idempotencyKey: idempotencyKey(c), contact: c })),
  );
  const refused = results.find((r) => r.id === 'c4');
  assert.ok(refused?.outcome === 'rejected');
  assert.equal(refused.status, 422);
  assert.match(refused.request, /"id":"c4"/);
  assert.match(refused.response, /invalid phone number/);
  assert.equal(results.filter((r) => r.outcome === 'applied').length, 6);
  assert.equal(crm.contacts.size, 6);
});

test('adapter: a batch refused as a whole is retried contact by contact, so only the bad one is rejected', async (t) => {
  const { crm, adapter } = await setup(t, { batch: true });
  crm.script({ kind: 'status', status: 400, body: { error: 'batch too large' } }, { when: (r) => r.path === '/contacts/batch' });
  crm.reject((id) => id === 'b', { status: 400, body: { error: 'no' } });
  const results = await adapter.upsert([contact('a'), contact('b'), contact('c')]);
  assert.deepEqual(
    crm.requests.map((r) => `${r.method} ${r.path}`),
    ['POST /contacts/batch', 'PUT /contacts/a', 'PUT /contacts/b', 'PUT /contacts/c'],
  );
  assert.deepEqual(
    results.map((r) => r.outcome),
    ['applied', 'rejected', 'applied'],
  );
});

test('adapter: 5xx and a dropped connection are retried with the same bytes and key; Retry-After holds back every request', async (t) => {
  const { crm, adapter } = await setup(t);
  crm.script({ kind: 'status', status: 503 }, { times: 2 });
  crm.script({ kind: 'drop' });
  crm.script({ kind: 'status', status: 429, retryAfter: 1 });
  const a = contact('a');
  assert.deepEqual(await adapter.upsert([a]), [{ id: 'a', outcome: 'applied', inDoubt: true }], 'the dropped attempt may still land');
  assert.deepEqual(crm.requests.map(statusOf), [503, 503, 'dropped', 429, 200]);
  assert.equal(new Set(crm.requests.map((r) => `${r.body}|${r.headers['idempotency-key']}|${r.headers['x-wabus-signature']}`)).size, 1);
  const [limited, after] = crm.requests.slice(3);
  assert.ok(after!.receivedAt - limited!.receivedAt >= 1_000, `Retry-After: 1 honoured (${after!.receivedAt - limited!.receivedAt} ms)`);
});

test('adapter: a request that times out is in doubt; a refused connection is not', async (t) => {
  const { crm, adapter } = await setup(t, { timeoutMs: 100, budgetMs: 150 });
  crm.script({ kind: 'hang' }, { times: Infinity });
  await assert.rejects(adapter.upsert([contact('a')]), (e: unknown) => e instanceof CrmSyncError && e.code === 'WABUS_CRM_UNAVAILABLE' && e.inDoubt);

  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  const http = createCrmHttp({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200, backoff: { baseMs: 10, maxMs: 20 } });
  const closed = createRestCrmAdapter({ http, batch: false, batchSize: 1, concurrency: 1, retryBudgetMs: 100 });
  await assert.rejects(closed.upsert([contact('a')]), (e: unknown) => e instanceof CrmSyncError && !e.inDoubt && /ECONNREFUSED/.test(e.message));
});

test('adapter: an id no URL can carry (empty, a dot segment) is refused without a request; a lone surrogate is sent as U+FFFD', async (t) => {
  const { crm, adapter } = await setup(t);
  const results = await adapter.upsert([contact(''), contact('..'), contact('.'), contact('55\ud800')]);
  assert.deepEqual(
    results.map((r) => [r.id, r.outcome, r.outcome === 'rejected' ? r.status : null]),
    [
      ['', 'rejected', 400],
      ['..', 'rejected', 400],
      ['.', 'rejected', 400],
      ['55\ud800', 'applied', null],
    ],
  );
  assert.deepEqual(
    crm.requests.map((r) => r.path),
    ['/contacts/55%EF%BF%BD'],
    'only the last one was sent, none retried (a refusal for good: its records are dead-lettered)',
  );
  assert.deepEqual(await adapter.remove(['..']), [{ id: '..', outcome: 'removed' }], 'never sent, so never there');
});

test('adapter: a delete answered 404 or 410 is done (already gone: a repeat after a delete whose answer was lost), in one request', async (t) => {
  const { crm, adapter } = await setup(t, { budgetMs: 1_000 });
  await adapter.upsert([contact('7001')]);
  assert.deepEqual(await adapter.remove(['7001']), [{ id: '7001', outcome: 'removed' }]);
  const before = crm.requests.length;
  // The same delete again, as a restarted process sends it: the CRM answers 404, which ends it (no retries).
  assert.deepEqual(await adapter.remove(['7001']), [{ id: '7001', outcome: 'removed' }]);
  assert.deepEqual(crm.requests.slice(before).map(statusOf), [404]);
  crm.script({ kind: 'status', status: 410 });
  assert.deepEqual(await adapter.remove(['7002']), [{ id: '7002', outcome: 'removed' }]);
});
