import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSchema } from '@wabus/config';
import { parseListQuery } from './contact-routes.ts';
import { authOf, crmSchema, loadCrmConfig } from './crm-config.ts';
import { backoffDelay, classifyStatus, parseRetryAfter } from './http-retry.ts';

const named = (variable: string) => (e: unknown) =>
  (e as { code?: string; variable?: string }).code === 'WABUS_CONFIG_INVALID' && String((e as { variable?: string }).variable).includes(variable);

test('config: defaults, the credential header, and errors that name their variable', () => {
  const c = loadCrmConfig({ CRM_BASE_URL: 'https://crm.example.com/api/', CRM_AUTH_TOKEN: 't0k' });
  assert.equal(c.baseUrl, 'https://crm.example.com/api');
  assert.deepEqual([c.batch, c.allowReplay, c.signingSecret], [false, false, '']);
  assert.deepEqual(authOf(c), { header: 'Authorization', value: 'Bearer t0k' });
  assert.deepEqual(authOf({ ...c, authHeader: 'X-Api-Key', authScheme: '' }), { header: 'X-Api-Key', value: 't0k' });
  assert.equal(authOf({ ...c, authToken: '' }), null);
  assert.throws(() => loadCrmConfig({}), named('CRM_BASE_URL'));
  assert.throws(() => loadCrmConfig({ CRM_BASE_URL: 'ftp://x' }), named('CRM_BASE_URL'));
  assert.throws(() => loadCrmConfig({ CRM_BASE_URL: 'https://user:pw@x' }), named('CRM_BASE_URL'));
  assert.throws(() => loadCrmConfig({ CRM_BASE_URL: 'http://x', CRM_BATCH: 'sometimes' }), named('CRM_BATCH'));
  assert.throws(() => loadCrmConfig({ CRM_BASE_URL: 'http://x', CRM_LEASE_MS: '5000' }), named('CRM_LEASE_MS'));
  const described = describeSchema(crmSchema);
  assert.equal(described.find((r) => r.env === 'CRM_AUTH_TOKEN')?.default, '(secret)');
  assert.equal(described.find((r) => r.env === 'CRM_SIGNING_SECRET')?.default, '(secret)');
});

test('retry: which answers are retried, Retry-After in seconds or as a date, jittered exponential backoff', () => {
  assert.deepEqual([200, 204, 400, 413, 422, 401, 403, 404, 408, 409, 429, 500, 503].map(classifyStatus), [
    'ok',
    'ok',
    'permanent',
    'permanent',
    'permanent',
    'retry',
    'retry',
    'retry',
    'retry',
    'retry',
    'retry',
    'retry',
    'retry',
  ]);
  const now = Date.parse('2025-06-01T12:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7_000);
  assert.equal(parseRetryAfter('Sun, 01 Jun 2025 12:00:03 GMT', now), 3_000);
  assert.equal(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(null, now), null);
  const o = { baseMs: 100, maxMs: 1_000 };
  assert.deepEqual(
    [0, 1, 2, 3, 10].map((a) => backoffDelay(a, o, () => 1)),
    [100, 200, 400, 800, 1_000],
  );
  assert.deepEqual(
    [0, 1, 10].map((a) => backoffDelay(a, o, () => 0)),
    [50, 100, 500],
  );
});

test('read API: list parameters are validated and name the parameter', () => {
  assert.deepEqual(parseListQuery({}), { tenant: null, unsynced: false, limit: 100, after: null });
  assert.deepEqual(parseListQuery({ unsynced: 'true', limit: '5', after: 'x' }), { tenant: null, unsynced: true, limit: 5, after: 'x' });
  for (const [q, param] of [
    [{ unsynced: 'yes' }, 'unsynced'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ after: ['a', 'b'] }, 'after'],
  ] as const) {
    assert.throws(
      () => parseListQuery(q),
      (e: unknown) => (e as { code?: string; param?: string }).code === 'WABUS_CRM_SYNC_BAD_PARAM' && (e as { param?: string }).param === param,
    );
  }
});
