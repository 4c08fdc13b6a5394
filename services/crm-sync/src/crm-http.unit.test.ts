import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCrmHttp, type CrmOperation } from './crm-http.ts';
import type { CrmObserver } from './crm-observer.ts';
import { CrmSyncError } from './errors.ts';

type Step = { status: number; retryAfter?: string } | { error: Error };

/** crm-http over a scripted fetch and a clock that moves only when it sleeps (`earlyMs` short) or an answer comes. */
function scripted(steps: Step[], o: { answerMs?: number; earlyMs?: number } = {}) {
  let t = 1_000_000;
  const events: string[] = [];
  const observer: CrmObserver = {
    requested: (kind, result, code) => events.push(`${kind} ${result} ${code}`),
    waited: (reason, s) => events.push(`wait ${reason} ${s * 1000}`),
  };
  const http = createCrmHttp({
    baseUrl: 'http://crm.test',
    timeoutMs: 1_000,
    backoff: { baseMs: 100, maxMs: 1_000 },
    now: () => t,
    random: () => 0,
    sleep: async (ms) => void (t += ms - (o.earlyMs ?? 0)),
    observer,
    fetch: async () => {
      t += o.answerMs ?? 5;
      const step = steps.shift() ?? { status: 200 };
      if ('error' in step) throw step.error;
      return new Response('{}', { status: step.status, headers: step.retryAfter ? { 'retry-after': step.retryAfter } : {} });
    },
  });
  return { http, events, now: () => t };
}

const put: CrmOperation = { method: 'PUT', path: '/contacts/5511', body: '{}', idempotencyKey: 'k' };
const batch: CrmOperation = { method: 'POST', path: '/contacts/batch', body: '[]', idempotencyKey: 'b' };
const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

test('crm-http: every attempt is reported by kind, result and code, every wait once, as slept', async () => {
  const { http, events } = scripted([
    { status: 429, retryAfter: '2' },
    { status: 503 },
    { error: refused },
    { error: timeout },
    { status: 200 },
    { status: 422 },
  ]);
  assert.equal((await http.send(put, Infinity)).status, 200);
  assert.equal((await http.send(batch, Infinity)).status, 422, 'a permanent refusal is an answer, not retried');
  // Backoff with random 0: half of 100·2^attempt.
  assert.deepEqual(events, [
    'upsert retryable 429',
    'wait retry_after 2000',
    'upsert retryable 503',
    'wait backoff 100',
    'upsert error ECONNREFUSED',
    'wait backoff 200',
    'upsert error timeout',
    'wait backoff 400',
    'upsert ok 200',
    'batch rejected 422',
  ]);
});

test("crm-http: a Retry-After holds back the client's next request too, as a retry_after wait", async () => {
  const { http, events } = scripted([{ status: 429, retryAfter: '2' }]);
  await assert.rejects(http.send(put, 1_000_000 + 1_000), /gave up after 1 attempt/, 'its own budget does not allow the wait');
  await http.send({ ...put, path: '/contacts/4477' }, Infinity);
  assert.deepEqual(events, ['upsert retryable 429', 'wait retry_after 2000', 'upsert ok 200']);
});

test('crm-http: a Retry-After instant already waited out is not waited for again when the timer fired a millisecond early', async () => {
  const { http, events } = scripted([{ status: 429, retryAfter: '1' }], { answerMs: 0, earlyMs: 1 });
  await http.send(put, Infinity);
  await http.send({ ...put, path: '/contacts/4477' }, Infinity);
  assert.deepEqual(events, ['upsert retryable 429', 'wait retry_after 1000', 'upsert ok 200', 'upsert ok 200'], 'no 1 ms wait before the second');
});

test('crm-http: a wait past the retry budget is not started; the error says why', async () => {
  const { http, events } = scripted([{ status: 429, retryAfter: '60' }]);
  await assert.rejects(
    http.send(put, 1_000_000 + 10_000),
    (e: unknown) => e instanceof CrmSyncError && e.code === 'WABUS_CRM_UNAVAILABLE' && /HTTP 429; gave up after 1 attempt/.test(e.message),
  );
  assert.deepEqual(events, ['upsert retryable 429']);
});
