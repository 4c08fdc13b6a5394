import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDownload, classifyLookup, nextStep, type FailureKind, type FetchPolicy } from './fetch-policy.ts';

const policy: FetchPolicy = { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 8_000, urlTtlMs: 240_000, windowMs: 60_000 };
const failure = (kind: FailureKind) => ({ kind, code: 'x', httpStatus: 503, message: null });
const T0 = 1_000_000;

test('given a transient failure, then the backoff doubles from the initial delay, jittered between half and all of it, capped', () => {
  const s = (attempts: number) => ({ attempts, startedAt: T0, resolvedAt: T0 });
  assert.deepEqual(nextStep(policy, s(1), failure('transient'), T0, 0), { action: 'retry', delayMs: 500, resolve: false });
  assert.deepEqual(nextStep(policy, s(1), failure('transient'), T0, 0.999_999), { action: 'retry', delayMs: 1_000, resolve: false });
  assert.deepEqual(nextStep(policy, s(3), failure('transient'), T0, 0.999_999), { action: 'retry', delayMs: 4_000, resolve: false });
  assert.deepEqual(nextStep(policy, s(4), failure('transient'), T0, 0.999_999), { action: 'retry', delayMs: 8_000, resolve: false });
  assert.deepEqual(
    nextStep({ ...policy, maxAttempts: 10 }, s(6), failure('transient'), T0, 0.999_999),
    { action: 'retry', delayMs: 8_000, resolve: false },
    'capped',
  );
});

test('given the URL would be past its lifetime when the retry starts, or there is none, then the retry looks the media up again', () => {
  const resolvedAt = T0 - 239_500;
  assert.equal((nextStep(policy, { attempts: 1, startedAt: T0, resolvedAt }, failure('transient'), T0, 0) as { resolve: boolean }).resolve, true);
  assert.equal((nextStep(policy, { attempts: 1, startedAt: T0, resolvedAt: T0 - 1_000 }, failure('transient'), T0, 0) as { resolve: boolean }).resolve, false);
  assert.equal((nextStep(policy, { attempts: 1, startedAt: T0, resolvedAt: null }, failure('transient'), T0, 0) as { resolve: boolean }).resolve, true);
});

test('given an expired URL or corrupt bytes, then a new lookup at once; given a permanent failure, unavailable; given a refusal (our token), pending', () => {
  const s = { attempts: 1, startedAt: T0, resolvedAt: T0 };
  assert.deepEqual(nextStep(policy, s, failure('expired_url'), T0, 0.5), { action: 'retry', delayMs: 0, resolve: true });
  assert.deepEqual(nextStep(policy, s, failure('corrupt'), T0, 0.5), { action: 'retry', delayMs: 0, resolve: true });
  assert.deepEqual(nextStep(policy, s, failure('permanent'), T0, 0.5), { action: 'unavailable' });
  assert.deepEqual(nextStep(policy, s, failure('refused'), T0, 0.5), { action: 'abandon' });
});

test('given the attempt budget or the window spent, then transient failures leave the media pending and corrupt bytes make it unavailable: never retried forever', () => {
  assert.deepEqual(nextStep(policy, { attempts: 5, startedAt: T0, resolvedAt: T0 }, failure('transient'), T0, 0), { action: 'abandon' });
  assert.deepEqual(nextStep(policy, { attempts: 5, startedAt: T0, resolvedAt: T0 }, failure('corrupt'), T0, 0), { action: 'unavailable' });
  assert.deepEqual(
    nextStep(policy, { attempts: 2, startedAt: T0, resolvedAt: T0 }, failure('transient'), T0 + 59_500, 0.999),
    { action: 'abandon' },
    'the retry would start after the window',
  );
  assert.deepEqual(nextStep(policy, { attempts: 2, startedAt: T0, resolvedAt: T0 }, failure('expired_url'), T0 + 60_001, 0), { action: 'abandon' });
});

test("given Meta's answers, then lookups classify by error.code before the HTTP status, downloads by status", () => {
  assert.equal(classifyLookup(400, 100), 'permanent', 'object does not exist');
  assert.equal(classifyLookup(404, 100), 'permanent');
  assert.equal(classifyLookup(400, 130429), 'transient', 'rate limit answered 400');
  assert.equal(classifyLookup(400, 4), 'transient');
  assert.equal(classifyLookup(503, 2), 'transient');
  assert.equal(classifyLookup(500, null), 'transient');
  assert.equal(classifyLookup(429, null), 'transient');
  assert.equal(classifyLookup(401, 190), 'refused');
  assert.equal(classifyLookup(403, null), 'refused');
  assert.equal(classifyLookup(400, 10), 'refused');
  assert.equal(classifyLookup(410, null), 'permanent');
  assert.equal(classifyDownload(503), 'transient');
  assert.equal(classifyDownload(429), 'transient');
  assert.equal(classifyDownload(404), 'expired_url');
  assert.equal(classifyDownload(403), 'expired_url');
  assert.equal(classifyDownload(400), 'permanent');
});
