import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPacer, createRateLimiter } from './rate-limiter.ts';

/** A clock that only moves when a caller sleeps: each acquire's start time is exactly when it was let through. */
function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), set: (v: number) => void (t = v) };
}

test('rate limiter: one call per interval per key; keys do not wait for each other', async () => {
  const clock = fakeClock();
  const limiter = createRateLimiter({ intervalMs: 100, now: clock.now, sleep: clock.sleep });
  const starts: Record<string, number[]> = { a: [], b: [] };
  for (const key of ['a', 'a', 'a']) {
    await limiter.acquire(key);
    starts[key]!.push(clock.now());
  }
  assert.deepEqual(starts['a'], [1_000_000, 1_000_100, 1_000_200]);
  await limiter.acquire('b');
  starts['b']!.push(clock.now());
  assert.deepEqual(starts['b'], [1_000_200], 'b had no reservation: no wait');
});

test('rate limiter: reservations are made at call time, so concurrent callers are spaced in call order', async () => {
  let t = 0;
  const waits: number[] = [];
  const limiter = createRateLimiter({ intervalMs: 50, burst: 2, now: () => t, sleep: async (ms) => void waits.push(ms) });
  await Promise.all([limiter.acquire('k'), limiter.acquire('k'), limiter.acquire('k'), limiter.acquire('k')]);
  assert.deepEqual(waits, [50, 100], 'a burst of 2 goes at once, then one per 50 ms');
  t = 10_000;
  assert.equal(limiter.size(), 0, 'old reservations are forgotten');
});

test('pacer: the interval counts from the actual send, not from when the caller started waiting', async () => {
  const clock = fakeClock();
  const pacer = createPacer({ intervalMs: 400, now: clock.now, sleep: clock.sleep });
  await pacer.wait('r');
  assert.equal(clock.now(), 1_000_000, 'first send: no wait');
  await clock.sleep(300); // held up by the number's rate limit
  pacer.sent('r');
  await pacer.wait('r');
  assert.equal(clock.now(), 1_000_700, '400 ms after the send at 1_000_300');
  pacer.sent('r');
  await pacer.wait('other');
  assert.equal(clock.now(), 1_000_700, 'other recipients do not wait');
});
