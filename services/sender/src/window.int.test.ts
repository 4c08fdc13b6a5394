import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_WINDOW_MS } from './decide-send.ts';
import { CUSTOMER, fixedPeers, NUMBER, startTestSender, textTo } from './sender.test-support.ts';

const codeOf = async (r: Response) => ((await r.json()) as { error: { code: string; param?: string } }).error;

test('sender: the 24-hour window, the key, the number: refused with a code before anything is recorded or sent', async (t) => {
  const now = Date.UTC(2026, 11, 6, 12);
  const peers = fixedPeers({ lastInboundAt: null });
  peers.windows.set(`${NUMBER}:${CUSTOMER}`, { lastInboundAt: now - SERVICE_WINDOW_MS + 60_000 });
  const { graph, post, sender } = await startTestSender(t, { peers, now: () => now });

  const stranger = '5511999990002';
  const outside = await post(textTo(stranger, 'hi'), 'w-1');
  assert.equal(outside.status, 422);
  assert.deepEqual(await codeOf(outside), {
    code: 'WABUS_SENDER_OUTSIDE_WINDOW',
    message: 'free-form messages only within 24 hours of the customer’s last message; send a template',
    param: 'type',
  });
  const template = await post({ phoneNumberId: NUMBER, to: stranger, type: 'template', template: { name: 'hello_world', language: 'en_US' } }, 'w-1');
  assert.equal(template.status, 201, 'a template goes outside the window (the refused request recorded nothing under its key)');
  const inside = await post(textTo(CUSTOMER, 'hi'), 'w-2');
  assert.equal(inside.status, 201);

  const noKey = await post(textTo(CUSTOMER, 'hi'));
  assert.equal(noKey.status, 400);
  assert.equal((await codeOf(noKey)).code, 'WABUS_SENDER_IDEMPOTENCY_KEY_REQUIRED');
  const bad = await post({ ...textTo(CUSTOMER, 'hi'), text: { body: '' } }, 'b-1');
  assert.equal(bad.status, 400);
  assert.deepEqual(await codeOf(bad), { code: 'WABUS_SENDER_BAD_REQUEST', message: 'text.body: a non-empty string is required', param: 'text.body' });
  const notJson = await fetch(`${sender.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'j' },
    body: '{',
  });
  assert.equal(notJson.status, 400);
  // Every number belongs to the environment's tenant: a tenant named that is not the owner is refused.
  const other = await post({ ...textTo(CUSTOMER, 'hi'), tenantId: 'acme' }, 'n-1');
  assert.equal(other.status, 422);
  assert.equal((await codeOf(other)).code, 'WABUS_SENDER_UNKNOWN_NUMBER');

  peers.windowOf = async () => Promise.reject(new Error('message-store down'));
  const down = await post(textTo(CUSTOMER, 'hi'), 'd-1');
  assert.equal(down.status, 503);
  assert.equal((await codeOf(down)).code, 'WABUS_SENDER_WINDOW_UNKNOWN');

  assert.deepEqual(
    graph.requests.map((r) => (r.body as { type: string }).type),
    ['template', 'text'],
    'only the two accepted sends reached the Graph API',
  );
});
