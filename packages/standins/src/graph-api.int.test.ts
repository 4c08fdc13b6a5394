import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphApiStandIn, type GraphApiStandIn } from './graph-api.ts';

const TOKEN = 'test-token';

async function standIn(t: { after: (fn: () => Promise<void>) => void }): Promise<GraphApiStandIn> {
  const s = await startGraphApiStandIn({ accessToken: TOKEN });
  t.after(() => s.close());
  return s;
}

const post = (s: GraphApiStandIn, body: unknown, o: { phone?: string; token?: string; signal?: AbortSignal } = {}) =>
  fetch(`${s.url}/v21.0/${o.phone ?? '1065'}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.token ?? TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(o.signal ? { signal: o.signal } : {}),
  });

const text = (to: string, body = 'hi') => ({ messaging_product: 'whatsapp', to, context: { message_id: 'wamid.IN' }, type: 'text', text: { body } });

test('graph-api stand-in: answers sends and mark-as-read like Meta, and records every request', async (t) => {
  const s = await standIn(t);
  const r1 = await post(s, text('5511999990000'));
  assert.equal(r1.status, 200);
  const b1 = (await r1.json()) as { messaging_product: string; contacts: { input: string; wa_id: string }[]; messages: { id: string }[] };
  assert.equal(b1.messaging_product, 'whatsapp');
  assert.deepEqual(b1.contacts, [{ input: '5511999990000', wa_id: '5511999990000' }]);
  assert.match(b1.messages[0]!.id, /^wamid\./);
  const b2 = (await (await post(s, text('5511999990000'))).json()) as { messages: { id: string }[] };
  assert.notEqual(b2.messages[0]!.id, b1.messages[0]!.id, 'a new wamid per send');
  const read = await post(s, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN' });
  assert.deepEqual(await read.json(), { success: true });

  assert.equal(s.requests.length, 3);
  const [first] = s.requests;
  assert.equal(first!.method, 'POST');
  assert.equal(first!.path, '/v21.0/1065/messages');
  assert.equal(first!.phoneNumberId, '1065');
  assert.equal(first!.headers['authorization'], `Bearer ${TOKEN}`);
  assert.deepEqual(first!.body, text('5511999990000'));
  assert.equal(first!.wamid, b1.messages[0]!.id);
  assert.ok(first!.receivedAt <= s.requests[1]!.receivedAt);
});

test('graph-api stand-in: a wrong token answers 401 with code 190; a bad body or path answers code 100', async (t) => {
  const s = await standIn(t);
  const r = await post(s, text('1'), { token: 'nope' });
  assert.equal(r.status, 401);
  const e = (await r.json()) as { error: { code: number; type: string; fbtrace_id: string } };
  assert.equal(e.error.code, 190);
  assert.equal(e.error.type, 'OAuthException');
  assert.ok(e.error.fbtrace_id.length > 0);
  assert.equal(s.requests[0]!.behavior, 'unauthorized');

  const bad = await post(s, { to: '1', type: 'text' });
  assert.equal(((await bad.json()) as { error: { code: number } }).error.code, 100);
  const path = await fetch(`${s.url}/v21.0/1065/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' });
  assert.equal(((await path.json()) as { error: { code: number } }).error.code, 100);
});

test('graph-api stand-in: scripted errors with Meta codes and chosen status, by match, then the default again', async (t) => {
  const s = await standIn(t);
  s.script({ kind: 'error', code: 131047, match: (h) => h.phoneNumberId === '2' }, { kind: 'error', code: 130429, status: 429, subcode: 2494055 });
  const a = await post(s, text('1'), { phone: '1' });
  assert.equal(a.status, 429);
  const ea = (await a.json()) as { error: { code: number; error_subcode: number; message: string } };
  assert.equal(ea.error.code, 130429);
  assert.equal(ea.error.error_subcode, 2494055);
  assert.match(ea.error.message, /130429/);
  const b = await post(s, text('1'), { phone: '2' });
  assert.equal(b.status, 400);
  assert.equal(((await b.json()) as { error: { code: number } }).error.code, 131047);
  assert.equal((await post(s, text('1'), { phone: '2' })).status, 200, 'each step is used once');

  s.setDefault((h) => (h.phoneNumberId === '9' ? { kind: 'error', code: 4 } : { kind: 'ok' }));
  assert.equal(((await (await post(s, text('1'), { phone: '9' })).json()) as { error: { code: number } }).error.code, 4);
  assert.equal((await post(s, text('1'), { phone: '8' })).status, 200);
});

test('graph-api stand-in: drops the connection before or after the body, hangs, delays', async (t) => {
  const s = await standIn(t);
  s.script({ kind: 'drop', when: 'before-body' }, { kind: 'drop', when: 'after-body' }, { kind: 'hang' }, { kind: 'ok', delayMs: 1_000 });
  await assert.rejects(post(s, text('1')), TypeError);
  await assert.rejects(post(s, text('2')), TypeError);
  await assert.rejects(post(s, text('3'), { signal: AbortSignal.timeout(200) }), (e: Error) => e.name === 'TimeoutError');
  // The delayed request goes first, an unscripted one second: the second is answered first.
  const order: string[] = [];
  const slow = post(s, text('4')).then((r) => order.push(`4:${r.status}`));
  await s.waitForRequests(4);
  await post(s, text('5')).then((r) => order.push(`5:${r.status}`));
  await slow;
  assert.deepEqual(order, ['5:200', '4:200']);
  assert.deepEqual(
    s.requests.map((r) => [r.behavior, r.body === undefined ? null : (r.body as { to: string }).to]),
    [
      ['drop', null],
      ['drop', '2'],
      ['hang', '3'],
      ['ok', '4'],
      ['ok', '5'],
    ],
  );
});

test('graph-api stand-in: waitForRequests resolves once enough (matching) requests arrived', async (t) => {
  const s = await standIn(t);
  const two = s.waitForRequests(2, (r) => r.phoneNumberId === '7');
  await post(s, text('1'), { phone: '6' });
  await post(s, text('1'), { phone: '7' });
  await post(s, text('1'), { phone: '7' });
  assert.equal((await two).length, 2);
  assert.equal((await s.waitForRequests(3)).length, 3);
});

test('graph-api stand-in: a user is named once, by phone in `to` or by BSUID in `recipient`; anything else is code 100', async (t) => {
  const s = await standIn(t);
  const { to: _to, ...noAddress } = text('1');
  const answer = async (body: unknown) => {
    const r = await post(s, body);
    const b = (await r.json()) as { contacts?: unknown[]; error?: { code: number; message: string } };
    return r.status === 200 ? { contacts: b.contacts } : { code: b.error!.code, message: b.error!.message };
  };
  assert.deepEqual(await answer({ ...noAddress, recipient: 'BR.1234567890123456789' }), {
    contacts: [{ input: 'BR.1234567890123456789', user_id: 'BR.1234567890123456789' }],
  });
  assert.deepEqual(await answer(text('BR.1234567890123456789')), {
    code: 100,
    message: '(#100) Invalid parameter: to takes a phone number; a business-scoped user id goes in recipient',
  });
  assert.deepEqual(await answer({ ...text('5511'), recipient: 'BR.1234567890123456789' }), {
    code: 100,
    message: '(#100) Invalid parameter: give to or recipient, not both',
  });
  assert.deepEqual(await answer({ ...noAddress, recipient: '5511' }), {
    code: 100,
    message: '(#100) Invalid parameter: recipient takes a business-scoped user id',
  });
  assert.deepEqual(await answer(noAddress), { code: 100, message: '(#100) The parameter to or recipient is required.' });
});

test('graph-api stand-in: with tokens per business number, a call for a number needs its own token', async (t) => {
  const s = await startGraphApiStandIn({ accessToken: TOKEN, accessTokens: { '1001': 'acme-token', '2001': 'globex-token' } });
  t.after(() => s.close());
  assert.equal((await post(s, text('5511'), { phone: '1001', token: 'acme-token' })).status, 200);
  const wrong = await post(s, text('5511'), { phone: '1001', token: 'globex-token' });
  assert.equal(wrong.status, 401);
  assert.equal(((await wrong.json()) as { error: { code: number } }).error.code, 190);
  assert.equal((await post(s, text('5511'), { phone: '2001', token: 'globex-token' })).status, 200);
  assert.equal((await post(s, text('5511'), { phone: '9999', token: TOKEN })).status, 200, 'a number not listed takes the default token');
  assert.deepEqual(
    s.requests.map((r) => r.behavior),
    ['ok', 'unauthorized', 'ok', 'ok'],
  );
});
