import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createEventTopics, spawnServiceProcess, testDatabase } from '@wabus/testing';
import { dispatcherEnv, SECRET, startDispatcherInProcess, subscriptionsFile, testKafka } from './dispatcher.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test('the subscriptions API: coded errors for every bad input, file subscriptions read-only, secrets never shown', { timeout: 60_000 }, async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'dispatch.api', partitions: 1 });
  const file = await subscriptionsFile([{ id: 'from-file', target: { type: 'slack', url: 'http://127.0.0.1:9/x' } }]);
  const service = await startDispatcherInProcess(
    t,
    dispatcherEnv({
      topic,
      dlqTopic,
      database: testDatabase(t, { prefix: 'dispatch_api' }),
      port: 0,
      extra: { LOG_LEVEL: 'silent', DISPATCHER_SUBSCRIPTIONS_FILE: file },
    }),
  );
  const call = async (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown) => {
    const res = await service.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as string }) });
    return {
      status: res.statusCode,
      body: res.body === '' ? null : (res.json() as { error?: { code: string; message: string; param?: string } } & Record<string, unknown>),
    };
  };
  const error = async (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload: unknown, status: number, code: string, param?: string) => {
    const r = await call(method, url, payload);
    assert.equal(r.status, status, `${method} ${url}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body?.error?.code, code);
    if (param !== undefined) assert.equal(r.body?.error?.param, param);
    return r.body!.error!;
  };

  const good = { target: { type: 'webhook', url: 'https://example.com/hook', secret: SECRET }, filter: { kinds: ['message'] } };
  await error('PUT', '/v1/subscriptions/x', [1, 2], 400, 'WABUS_DISPATCHER_BAD_SUBSCRIPTION', 'body');
  await error(
    'PUT',
    '/v1/subscriptions/x',
    { ...good, target: { ...good.target, secret: 'short' } },
    400,
    'WABUS_DISPATCHER_BAD_SUBSCRIPTION',
    'target.secret',
  );
  await error('PUT', '/v1/subscriptions/x', { ...good, filter: { kinds: ['nope'] } }, 400, 'WABUS_DISPATCHER_BAD_SUBSCRIPTION', 'filter.kinds');
  await error('PUT', '/v1/subscriptions/x', { ...good, id: 'y' }, 400, 'WABUS_DISPATCHER_BAD_SUBSCRIPTION', 'id');
  await error('PUT', '/v1/subscriptions/Not%20An%20Id', good, 400, 'WABUS_DISPATCHER_BAD_SUBSCRIPTION', 'id');
  await error('PUT', '/v1/subscriptions/from-file', good, 409, 'WABUS_DISPATCHER_READ_ONLY', 'id');
  await error('DELETE', '/v1/subscriptions/from-file', undefined, 409, 'WABUS_DISPATCHER_READ_ONLY');
  await error('PUT', '/v1/subscriptions/m', { target: { type: 'email', to: ['a@b.test'], from: 'c@d.test' } }, 400, 'WABUS_DISPATCHER_NO_SMTP', 'target.type');
  await error('GET', '/v1/subscriptions/none', undefined, 404, 'WABUS_DISPATCHER_NOT_FOUND', 'id');
  await error('GET', '/v1/deliveries/none', undefined, 404, 'WABUS_DISPATCHER_NOT_FOUND', 'id');
  await error('GET', '/v1/subscriptions/from-file/deliveries?status=lost', undefined, 400, 'WABUS_DISPATCHER_BAD_PARAM', 'status');
  await error('GET', '/v1/subscriptions/from-file/deliveries?limit=0', undefined, 400, 'WABUS_DISPATCHER_BAD_PARAM', 'limit');

  assert.equal((await call('PUT', '/v1/subscriptions/orders', good)).status, 201);
  assert.equal((await call('PUT', '/v1/subscriptions/orders', { ...good, filter: { kinds: ['status'] } })).status, 200, 'a replacement');
  const list = (await call('GET', '/v1/subscriptions')).body as unknown as {
    subscriptions: { id: string; source: string; target: Record<string, unknown>; filter: { kinds: string[] } }[];
  };
  assert.deepEqual(
    list.subscriptions.map((s) => [s.id, s.source]),
    [
      ['from-file', 'file'],
      ['orders', 'api'],
    ],
  );
  assert.deepEqual(list.subscriptions[1]!.target, { type: 'webhook', url: 'https://example.com/hook', secretSet: true });
  assert.deepEqual(list.subscriptions[1]!.filter.kinds, ['status']);
  assert.ok(!JSON.stringify(list).includes(SECRET), 'no secret anywhere');
  assert.equal((await call('DELETE', '/v1/subscriptions/orders')).status, 204);
  await error('DELETE', '/v1/subscriptions/orders', undefined, 404, 'WABUS_DISPATCHER_NOT_FOUND');
});

test('a bad subscriptions file: the service does not start, one line with the code and every problem, exit 1', { timeout: 60_000 }, async (t) => {
  const file = await subscriptionsFile([]);
  await writeFile(file, JSON.stringify({ subscriptions: [{ id: 'a', target: { type: 'webhook', url: 'ftp://x', secret: 'short' } }] }));
  const run = spawnServiceProcess(
    t,
    MAIN,
    dispatcherEnv({ topic: 'unused', dlqTopic: 'unused.dlq', database: 'unused', port: 0, extra: { DISPATCHER_SUBSCRIPTIONS_FILE: file } }),
  );
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE/);
  assert.match(run.output(), /subscriptions\[0\]\.target\.secret: expected a signing secret of at least 16 characters/);
  assert.match(run.output(), /subscriptions\[0\]\.target\.url: expected an http\(s\) URL/);

  const run2 = spawnServiceProcess(
    t,
    MAIN,
    dispatcherEnv({
      topic: 'unused',
      dlqTopic: 'unused.dlq',
      database: 'unused',
      port: 0,
      extra: { DISPATCHER_TIMEOUT_MS: '5000', DISPATCHER_LEASE_MS: '6000' },
    }),
  );
  assert.equal(await run2.exited, 1);
  assert.match(run2.output(), /dispatcher: WABUS_CONFIG_INVALID: DISPATCHER_LEASE_MS: must be at least 2 × DISPATCHER_TIMEOUT_MS \(10000\), got 6000/);
});
