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

test('rate limiter: concurrent callers are let through in call order, a burst at once, then one per interval (a clock held still too)', async () => {
  let t = 0;
  const sleeps: number[] = [];
  const waited: number[] = [];
  const order: number[] = [];
  const limiter = createRateLimiter({ intervalMs: 50, burst: 2, now: () => t, sleep: async (ms) => void sleeps.push(ms), waited: (ms) => waited.push(ms) });
  await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire('k').then(() => order.push(i))));
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(waited, [50, 100], 'a burst of 2 goes at once, then one per 50 ms: each caller says how long it waited');
  assert.deepEqual(sleeps, [50, 50]);
  t = 10_000;
  assert.equal(limiter.size(), 0, 'old reservations are forgotten');
});

/**
 * Timers on a virtual clock: `sleep` schedules, `run` fires them in time order; while the process is frozen
 * ([from, until)) nothing fires, and every timer that came due meanwhile fires at `until`, in order, as Node's do.
 */
function frozenProcess(from: number, until: number) {
  let t = 0;
  let seq = 0;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((fire) => timers.push({ at: t + ms, seq: seq++, fire })),
    async run() {
      for (await settle(); timers.length > 0; await settle()) {
        timers.sort((x, y) => x.at - y.at || x.seq - y.seq);
        const next = timers.shift()!;
        t = Math.max(t, next.at >= from && next.at < until ? until : next.at);
        next.fire();
      }
    },
  };
}

test('rate limiter: after a stall (the process frozen 100-900 ms) the callers whose turns passed go one interval apart, not at once', async () => {
  const clock = frozenProcess(100, 900);
  const limiter = createRateLimiter({ intervalMs: 200, now: clock.now, sleep: clock.sleep });
  const at: number[] = [];
  const all = Promise.all(Array.from({ length: 8 }, () => limiter.acquire('n').then(() => at.push(clock.now()))));
  await clock.run();
  await all;
  const gaps = at.slice(1).map((x, i) => x - at[i]!);
  assert.deepEqual(at.slice(0, 2), [0, 900], 'the first at once, the second when the process ran again');
  assert.ok(
    gaps.every((g) => g >= 200),
    `every two calls at least 200 ms apart where they were let through: ${gaps.join(', ')}`,
  );
  assert.deepEqual(gaps, [900, 200, 200, 200, 200, 200, 200]);
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
