import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { Db } from 'mongodb';
import { parseStatusRange, parseTime } from './status-range.ts';
import { statusRoutes } from './status-routes.ts';

// Validation happens before any query: a database that throws if touched proves it.
const untouchable = { collection: () => new Proxy({}, { get: () => assert.fail('the store must not be queried') }) } as unknown as Db;

async function app() {
  const a = Fastify();
  await a.register(statusRoutes, { db: untouchable });
  return a;
}

test('range: unix seconds and ISO 8601 (date, or date-time with an offset) name the same instants', () => {
  assert.equal(parseTime('from', '1748779200'), 1748779200);
  assert.equal(parseTime('from', '2025-06-01T12:00:00Z'), 1748779200);
  assert.equal(parseTime('from', '2025-06-01T14:00:00+02:00'), 1748779200);
  assert.equal(parseTime('from', '2025-06-01T12:00:00.500Z'), 1748779200.5);
  assert.equal(parseTime('from', '2025-06-01'), 1748736000);
  assert.deepEqual(parseStatusRange({ phone_number_id: '1065' }), { phoneNumberId: '1065', from: null, to: null });
});

test('range: bad parameters are rejected with a code naming the parameter', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'phone_number_id'],
    [{ phone_number_id: '  ' }, 'phone_number_id'],
    [{ phone_number_id: ['1', '2'] }, 'phone_number_id'],
    [{ phone_number_id: 'x'.repeat(65) }, 'phone_number_id'],
    [{ phone_number_id: '1', from: 'yesterday' }, 'from'],
    [{ phone_number_id: '1', from: '2025-06-01T12:00:00' }, 'from'], // no offset: the server's zone would decide
    [{ phone_number_id: '1', to: '2025-13-45' }, 'to'],
    [{ phone_number_id: '1', to: '-5' }, 'to'],
    [{ phone_number_id: '1', from: '200', to: '100' }, 'from'],
  ];
  for (const [query, param] of cases) {
    assert.throws(
      () => parseStatusRange(query),
      (err: { code?: string; param?: string }) => err.code === 'WABUS_STATUS_TRACKER_BAD_PARAM' && err.param === param,
      JSON.stringify(query),
    );
  }
});

test('routes: bad parameters answer 400 with the code and the parameter, without touching the store', async () => {
  const a = await app();
  for (const url of [
    '/v1/statuses/counts',
    '/v1/statuses/counts?phone_number_id=1&from=soon',
    '/v1/statuses/failures?phone_number_id=1&phone_number_id=2',
    '/v1/statuses/failures?phone_number_id=1&from=9&to=8',
  ]) {
    const res = await a.inject({ url });
    assert.equal(res.statusCode, 400, url);
    const body = res.json<{ error: { code: string; message: string; param: string } }>();
    assert.equal(body.error.code, 'WABUS_STATUS_TRACKER_BAD_PARAM', url);
    assert.match(body.error.message, new RegExp(`^${body.error.param}: `));
  }
  await a.close();
});

test('routes: tenant= given twice or empty answers 400 naming tenant on every route, without touching the store', async () => {
  const a = await app();
  for (const route of ['/v1/statuses/wamid.A?', '/v1/statuses/counts?phone_number_id=1&', '/v1/statuses/failures?phone_number_id=1&']) {
    for (const tenant of ['tenant=acme&tenant=globex', 'tenant=']) {
      const url = route + tenant;
      const res = await a.inject({ url });
      assert.equal(res.statusCode, 400, url);
      const body = res.json<{ error: { code: string; message: string; param: string } }>();
      assert.deepEqual([body.error.code, body.error.param], ['WABUS_STATUS_TRACKER_BAD_PARAM', 'tenant'], url);
    }
  }
  await a.close();
});
