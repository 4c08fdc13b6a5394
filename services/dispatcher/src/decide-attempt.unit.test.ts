import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, breakerAfter, breakerAt, closedBreaker, retryAfterOf, settle, type BreakerPolicy, type RetryPolicy } from './decide-attempt.ts';

const policy: RetryPolicy = { maxAttempts: 4, initialMs: 100, maxMs: 1_000 };

test('settle: 2xx delivered; 5xx, 429, 408 and connections never made retried until the last attempt, then dead', () => {
  assert.deepEqual(settle({ type: 'answered', status: 204 }, 1, policy, 0), { status: 'delivered' });
  for (const status of [500, 503, 429, 408]) {
    assert.equal(settle({ type: 'answered', status }, 1, policy, 0).status, 'pending', String(status));
    assert.deepEqual(settle({ type: 'answered', status }, 4, policy, 0), { status: 'dead', reason: `HTTP ${status} after 4 attempts` });
  }
  assert.equal(settle({ type: 'not_sent', code: 'ECONNREFUSED' }, 3, policy, 0).status, 'pending');
  assert.equal(settle({ type: 'not_sent', code: 'ECONNREFUSED' }, 4, policy, 0).status, 'dead');
});

test('settle: another 4xx is dead at once; no answer after sending is retried with the same delivery id (at least once), dead after the last attempt', () => {
  assert.deepEqual(settle({ type: 'answered', status: 400 }, 1, policy, 0), { status: 'dead', reason: 'HTTP 400: refused' });
  assert.deepEqual(settle({ type: 'answered', status: 410 }, 1, policy, 0), { status: 'dead', reason: 'HTTP 410: refused' });
  assert.deepEqual(settle({ type: 'in_doubt', code: 'timeout' }, 1, policy, 0), { status: 'pending', retryInMs: 50, reason: 'timeout (in doubt)' });
  assert.deepEqual(settle({ type: 'in_doubt', code: 'timeout' }, 4, policy, 0), { status: 'dead', reason: 'timeout (in doubt) after 4 attempts' });
});

test('backoff: doubling with jitter in [cap/2, cap], capped; Retry-After wins (capped too)', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 10].map((n) => backoffMs(n, policy, 0)),
    [50, 100, 200, 400, 500, 500],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5, 10].map((n) => backoffMs(n, policy, 0.999999)),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(backoffMs(1, policy, 0.5, 700), 700);
  assert.equal(backoffMs(1, policy, 0.5, 5_000), 1_000);
  assert.deepEqual(settle({ type: 'answered', status: 429, retryAfterMs: 300 }, 1, policy, 0.9), { status: 'pending', retryInMs: 300, reason: 'HTTP 429' });
});

test('Retry-After: seconds or an HTTP date', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(retryAfterOf('3', now), 3_000);
  assert.equal(retryAfterOf(new Date(now + 10_000).toUTCString(), now), 10_000);
  assert.equal(retryAfterOf(null, now), undefined);
  assert.equal(retryAfterOf('soon', now), undefined);
});

test('breaker: N consecutive failures pause; a pause over lets one probe; a failed probe doubles the pause; success closes', () => {
  const p: BreakerPolicy = { failures: 3, pauseMs: 1_000, maxPauseMs: 3_000 };
  const fail = { type: 'answered', status: 503 } as const;
  const ok = { type: 'answered', status: 200 } as const;
  let b = closedBreaker(p);
  b = breakerAfter(b, fail, 0, p);
  b = breakerAfter(b, fail, 0, p);
  assert.equal(b.state, 'closed');
  b = breakerAfter(b, ok, 0, p);
  assert.equal(b.consecutiveFailures, 0, 'a success in between resets the count');
  for (let i = 0; i < 3; i++) b = breakerAfter(b, fail, 10, p);
  assert.deepEqual(b, { state: 'open', consecutiveFailures: 3, until: 1_010, pauseMs: 1_000 });
  assert.equal(breakerAt(b, 1_009).state, 'open');
  b = breakerAt(b, 1_010);
  assert.equal(b.state, 'half_open');
  b = breakerAfter(b, { type: 'not_sent', code: 'ECONNREFUSED' }, 1_020, p);
  assert.deepEqual(b, { state: 'open', consecutiveFailures: 4, until: 3_020, pauseMs: 2_000 });
  b = breakerAfter(breakerAt(b, 3_020), fail, 3_030, p);
  assert.equal(b.pauseMs, 3_000, 'capped');
  b = breakerAfter(breakerAt(b, 6_030), ok, 6_040, p);
  assert.deepEqual(b, closedBreaker(p));
  assert.equal(
    breakerAfter(closedBreaker(p), { type: 'answered', status: 400 }, 0, p).consecutiveFailures,
    0,
    "a refused delivery says nothing of the endpoint's health",
  );
});
