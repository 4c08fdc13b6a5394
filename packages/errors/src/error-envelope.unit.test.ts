import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { CodedError, defineErrors } from './define-errors.ts';
import { useErrorEnvelope } from './error-envelope.ts';

const SHOP_ERRORS = {
  WABUS_SHOP_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_SHOP_NOT_FOUND: { status: 404, message: 'no such order' },
  /** A code that never reaches an API as such (a batch job's): no status. */
  WABUS_SHOP_EXPORT_FAILED: { message: 'the export failed' },
} as const;
class ShopError extends defineErrors('ShopError', SHOP_ERRORS) {}

test('defineErrors: the code picks status and default message; message, param and cause can be given; instanceof holds', () => {
  const e = new ShopError('WABUS_SHOP_NOT_FOUND');
  assert.deepEqual([e.name, e.code, e.statusCode, e.message, e.param], ['ShopError', 'WABUS_SHOP_NOT_FOUND', 404, 'no such order', undefined]);
  assert.ok(e instanceof ShopError && e instanceof CodedError && e instanceof Error);
  const cause = new Error('root');
  const f = new ShopError('WABUS_SHOP_BAD_PARAM', { message: 'limit must be 1..10', param: 'limit', cause });
  assert.deepEqual([f.statusCode, f.message, f.param, f.cause], [400, 'limit must be 1..10', 'limit', cause]);
});

test('defineErrors: Class.is(err, code?) tells its own errors, by code when given, a subclass only its own', () => {
  class ReturnError extends ShopError {}
  const e = new ShopError('WABUS_SHOP_NOT_FOUND');
  const r = new ReturnError('WABUS_SHOP_BAD_PARAM');
  assert.deepEqual([ShopError.is(e), ShopError.is(e, 'WABUS_SHOP_NOT_FOUND'), ShopError.is(e, 'WABUS_SHOP_BAD_PARAM')], [true, true, false]);
  assert.deepEqual([ShopError.is(r, 'WABUS_SHOP_BAD_PARAM'), ReturnError.is(r), ReturnError.is(e)], [true, true, false]);
  const lookalike = Object.assign(new Error('no such order'), { code: 'WABUS_SHOP_NOT_FOUND' });
  assert.deepEqual([ShopError.is(lookalike), ShopError.is(null), ShopError.is('WABUS_SHOP_NOT_FOUND')], [false, false, false]);
});

test('defineErrors: a code without a status has none; details are carried as given', () => {
  const e = new ShopError('WABUS_SHOP_EXPORT_FAILED', { details: { exported: ['o1', 'o2'] } });
  assert.deepEqual([e.code, e.statusCode, e.message, e.details], ['WABUS_SHOP_EXPORT_FAILED', undefined, 'the export failed', { exported: ['o1', 'o2'] }]);
  assert.equal(new ShopError('WABUS_SHOP_NOT_FOUND').details, undefined);
});

test("useErrorEnvelope: coded errors, fastify's own 4xx and unexpected errors (a status-less coded one too) all answer { error: { code, message, param? } }; a 500 hides its message", async (t) => {
  const app = Fastify({ logger: false });
  t.after(() => app.close());
  await app.register(async (scope) => {
    useErrorEnvelope(scope, 'WABUS_SHOP_INTERNAL');
    scope.get('/coded', async () => {
      throw new ShopError('WABUS_SHOP_BAD_PARAM', { message: 'limit must be 1..10', param: 'limit' });
    });
    scope.get('/plain', async () => {
      throw new ShopError('WABUS_SHOP_NOT_FOUND');
    });
    scope.get('/statusless', async () => {
      throw new ShopError('WABUS_SHOP_EXPORT_FAILED', { message: 'export bucket s3://secret-bucket is full' });
    });
    scope.get('/bug', async () => {
      throw new Error('the database password is hunter2');
    });
    scope.post('/json', async () => ({ ok: true }));
  });
  const answer = async (method: 'GET' | 'POST', url: string, extra: object = {}) => {
    const r = await app.inject({ method, url, ...extra });
    return [r.statusCode, r.json()];
  };
  assert.deepEqual(await answer('GET', '/coded'), [400, { error: { code: 'WABUS_SHOP_BAD_PARAM', message: 'limit must be 1..10', param: 'limit' } }]);
  assert.deepEqual(await answer('GET', '/plain'), [404, { error: { code: 'WABUS_SHOP_NOT_FOUND', message: 'no such order' } }]);
  assert.deepEqual(await answer('GET', '/statusless'), [500, { error: { code: 'WABUS_SHOP_INTERNAL', message: 'internal error' } }]);
  assert.deepEqual(await answer('GET', '/bug'), [500, { error: { code: 'WABUS_SHOP_INTERNAL', message: 'internal error' } }]);
  const [status, body] = await answer('POST', '/json', { headers: { 'content-type': 'application/json' }, payload: '{not json' });
  assert.equal(status, 400);
  assert.deepEqual(Object.keys((body as { error: object }).error), ['code', 'message']);
  assert.equal((body as { error: { code: string } }).error.code, 'FST_ERR_CTP_INVALID_JSON_BODY');
});
