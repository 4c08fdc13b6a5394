import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, freePort, serviceTestEnv, spawnServiceProcess, testEnv, waitUntil } from '@wabus/testing';
import { serviceRegistry } from './registry.ts';

// Every service of the registry as its own process: an unknown route, a bad parameter and the readiness probe answer
// in the same shape everywhere, `{ error: { code, message, param? } }` with the service's own code prefix.
const badParam: Record<string, { url: string; param: string }> = {
  ingress: { url: '/webhook?hub.mode=subscribe', param: '' },
  'message-store': { url: '/v1/conversations?phone_number_id=1&limit=0', param: 'limit' },
  'status-tracker': { url: '/v1/statuses/counts?phone_number_id=1&tenant=', param: 'tenant' },
  'auto-reply': { url: '/v1/outbox?state=nope', param: 'state' },
  'crm-sync': { url: '/v1/contacts?limit=0', param: 'limit' },
  'media-store': { url: '/v1/media/1234/content?download=maybe', param: 'download' },
  dispatcher: { url: '/v1/subscriptions/none/deliveries?limit=0', param: 'limit' },
  sender: { url: '/v1/messages?state=lost', param: 'state' },
  'account-state': { url: '/v1/templates?wabaId=1&limit=0', param: 'limit' },
};

test('error envelopes: every service answers an unknown route, a bad parameter and /readyz the same way', { timeout: 120_000 }, async (t) => {
  const topics = await createTestTopics(createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'envelopes' }));
  t.after(() => topics.drop());
  const services = await Promise.all(
    serviceRegistry().map(async (s) => {
      const port = await freePort();
      const run = spawnServiceProcess(t, s.name, {
        ...serviceTestEnv(topics, `envelopes.${s.name}`),
        OTEL_TRACES_EXPORTER: 'none',
        HOST: '127.0.0.1',
        INGRESS_HOST: '127.0.0.1',
        [s.portEnv]: String(port),
        LOG_LEVEL: 'warn',
      });
      const base = `http://127.0.0.1:${port}`;
      await waitUntil(
        () => `${s.name} listening: ${run.output()}`,
        async () => {
          if (!run.running()) throw new Error(`${s.name} exited: ${run.output()}`);
          return fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          );
        },
      );
      return { ...s, base };
    }),
  );
  for (const s of services) {
    const prefix = `WABUS_${s.name.toUpperCase().replaceAll('-', '_')}`;
    const unknown = await fetch(`${s.base}/nope?x=1`);
    assert.equal(unknown.status, 404, s.name);
    assert.deepEqual(await unknown.json(), { error: { code: `${prefix}_NOT_FOUND`, message: 'no route GET /nope' } }, s.name);

    const bad = await fetch(`${s.base}${badParam[s.name]!.url}`);
    const body = (await bad.json()) as { error: Record<string, unknown> };
    assert.equal(bad.status, 400, `${s.name}: ${JSON.stringify(body)}`);
    assert.deepEqual(Object.keys(body), ['error'], s.name);
    assert.match(String(body.error['code']), new RegExp(`^${prefix}_`), s.name);
    assert.equal(typeof body.error['message'], 'string', s.name);
    assert.deepEqual(Object.keys(body.error).sort(), badParam[s.name]!.param ? ['code', 'message', 'param'] : ['code', 'message'], s.name);
    if (badParam[s.name]!.param) assert.equal(body.error['param'], badParam[s.name]!.param, s.name);

    await waitUntil(`${s.name} ready`, async () => (await fetch(`${s.base}/readyz`)).status === 200, { timeoutMs: 60_000 });
    const ready = (await (await fetch(`${s.base}/readyz`)).json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 'ready', s.name);
    assert.ok(
      Object.values(ready.checks).every((c) => c.ok === true),
      s.name,
    );
  }
});
