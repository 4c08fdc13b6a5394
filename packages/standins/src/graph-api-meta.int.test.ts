import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGraphApiStandIn } from './graph-api.ts';

const APP = '1000000000000001';
const APP_TOKEN = `${APP}|app-secret`;

const call = async (url: string, token: string, init: { method?: string; body?: unknown } = {}) => {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test("graph-api stand-in, Meta's management endpoints: app token for app subscriptions, callbacks verified (2200 when not), numbers by field, and control under pnpm dev", async (t) => {
  const s = await startGraphApiStandIn({
    accessToken: 'user-token',
    meta: { apps: [{ id: APP, secret: 'app-secret' }], wabas: [{ id: '100', phoneNumbers: [{ id: '1001' }] }], verifyCallbacks: true },
  });
  t.after(() => s.close());
  const v = `${s.url}/v21.0`;

  const wrongToken = await call(`${v}/${APP}/subscriptions`, 'user-token');
  assert.equal(wrongToken.status, 401);
  assert.equal((wrongToken.body['error'] as { code: number }).code, 190, 'the app edge takes the app token only');
  assert.deepEqual((await call(`${v}/${APP}/subscriptions`, APP_TOKEN)).body, { data: [] });

  // Nothing answers the handshake at this callback: Meta refuses to set it (code 2200) and nothing changes.
  const unverified = await call(`${v}/${APP}/subscriptions`, APP_TOKEN, {
    method: 'POST',
    body: { object: 'whatsapp_business_account', callback_url: 'http://127.0.0.1:1/webhook', fields: 'messages', verify_token: 'v' },
  });
  assert.equal(unverified.status, 400);
  assert.equal((unverified.body['error'] as { code: number }).code, 2200);
  assert.equal(s.meta.appSubscription(APP), null);

  // The override of a WABA is verified the same way.
  const override = await call(`${v}/100/subscribed_apps`, 'user-token', {
    method: 'POST',
    body: { override_callback_uri: 'http://127.0.0.1:1/x', verify_token: 'v' },
  });
  assert.equal((override.body['error'] as { code: number }).code, 2200);
  assert.deepEqual(await call(`${v}/100/subscribed_apps`, 'user-token', { method: 'POST' }), { status: 200, body: { success: true } });
  assert.deepEqual((await call(`${v}/100/subscribed_apps`, 'user-token')).body, {
    data: [{ whatsapp_business_api_data: { id: APP, link: `https://www.facebook.com/games/?app_id=${APP}`, name: `App ${APP}` } }],
  });

  const numbers = await call(`${v}/100/phone_numbers?fields=id,status,quality_rating,throughput`, 'user-token');
  assert.deepEqual(numbers.body['data'], [{ id: '1001', status: 'CONNECTED', quality_rating: 'GREEN', throughput: { level: 'STANDARD' } }]);
  assert.deepEqual((await call(`${v}/1001?fields=messaging_limit_tier,name_status`, 'user-token')).body, {
    messaging_limit_tier: 'TIER_1K',
    name_status: 'APPROVED',
  });

  // pnpm dev's control: make it disagree without a test harness.
  const control = (action: string, body: unknown) =>
    fetch(`${s.url}/_standin/meta/${action}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.status);
  assert.equal(await control('set-number', { id: '1001', quality_rating: 'RED', status: 'FLAGGED' }), 200);
  assert.deepEqual((await call(`${v}/1001?fields=status,quality_rating`, 'user-token')).body, { status: 'FLAGGED', quality_rating: 'RED' });
  assert.equal(await control('drop-subscription', { wabaId: '100' }), 200);
  assert.deepEqual((await call(`${v}/100/subscribed_apps`, 'user-token')).body, { data: [] });
  assert.equal(await control('expire-token', { token: 'user-token' }), 200);
  const expired = await call(`${v}/100/subscribed_apps`, 'user-token');
  assert.deepEqual(
    [
      expired.status,
      (expired.body['error'] as { code: number; error_subcode: number }).code,
      (expired.body['error'] as { error_subcode: number }).error_subcode,
    ],
    [401, 190, 463],
  );
  assert.equal(await control('no-such-action', {}), 404);
  assert.ok(
    s.requests.every((r) => !r.path.startsWith('/_standin')),
    'control calls are not Graph requests',
  );
});
