import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLog } from '../client.ts';
import type { PartitionState } from './consumer-types.ts';
import { ABORTED, createPartitionRetry, retryDelayMs, type PartitionTurn } from './retry-partition.ts';

const transient = () => Object.assign(new Error('store unavailable'), { code: 'ECONNREFUSED' });

/** A clock that only moves when the retry sleeps; every sleep and heartbeat is recorded. */
function setup(o: { alive?: () => boolean } = {}) {
  let t = 1_000_000;
  const sleeps: number[] = [];
  const events: string[] = [];
  const state: PartitionState = { partition: 4, paused: false };
  const retried: { partition: number; message: string; kinds: [string, number][] }[] = [];
  const retrying = createPartitionRetry({
    schedule: { initialMs: 100, maxMs: 2_500 },
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => 0.5, // no jitter: 0.8 + 0.5 × 0.4 = 1
    stateOf: () => state,
    observer: {
      paused: (p, paused) => events.push(`paused ${p} ${paused}`),
      retried: (partition, err, kinds) => retried.push({ partition, message: err.message, kinds: [...kinds] }),
    },
    log: silentLog,
    groupId: 'g',
  });
  const turn: PartitionTurn = { partition: 4, alive: o.alive ?? (() => true), heartbeat: async () => void events.push('heartbeat') };
  return { retrying, turn, sleeps, events, state, retried, elapsed: () => t - 1_000_000 };
}

test('given the retry schedule, then waits double from initialMs up to maxMs, with at most ±20 % jitter', () => {
  const s = { initialMs: 100, maxMs: 30_000 };
  assert.deepEqual(
    [0, 1, 2, 3, 8, 9, 60].map((a) => retryDelayMs(a, s, 0.5)),
    [100, 200, 400, 800, 25_600, 30_000, 30_000],
  );
  assert.equal(retryDelayMs(0, s, 0), 80);
  assert.ok(Math.abs(retryDelayMs(0, s, 0.999_999) - 120) < 1e-3);
});

test('given a step failing with transient errors, when it is retried, then the partition is paused meanwhile, the waits follow the schedule on the injected clock with heartbeats, and it resumes', async () => {
  const { retrying, turn, sleeps, events, state, retried, elapsed } = setup();
  let calls = 0;
  const pausedWhileFailing: boolean[] = [];
  const result = await retrying(
    turn,
    'apply',
    async () => {
      pausedWhileFailing.push(state.paused);
      if (++calls <= 5) throw transient();
      return 'done';
    },
    () => new Map([['message', 3]]),
  );
  assert.equal(result, 'done');
  // 100, 200, 400, 800, 1600 (capped at 2500 later); waits longer than a second are spent a second at a time.
  assert.deepEqual(sleeps, [100, 200, 400, 800, 1_000, 600]);
  assert.equal(elapsed(), 3_100, 'all time from the injected clock');
  assert.deepEqual(pausedWhileFailing, [false, true, true, true, true, true]);
  assert.deepEqual(events.filter((e) => e === 'heartbeat').length, sleeps.length, 'a heartbeat after every sleep');
  assert.deepEqual(
    events.filter((e) => e !== 'heartbeat'),
    ['paused 4 true', 'paused 4 false'],
    'paused once, resumed once',
  );
  assert.equal(state.paused, false);
  assert.equal(state.lastError, undefined);
  assert.equal(retried.length, 5);
  assert.deepEqual(retried[0], { partition: 4, message: 'store unavailable', kinds: [['message', 3]] });
});

test('given a failing step, when the partition is lost during the wait, then it gives up with ABORTED and leaves the partition paused with the error', async () => {
  let alive = true;
  const { retrying, turn, sleeps, state } = setup({ alive: () => alive });
  const result = await retrying(turn, 'commit', async () => {
    alive = false;
    throw transient();
  });
  assert.equal(result, ABORTED);
  assert.deepEqual(sleeps, [], 'no wait once the partition is gone');
  assert.equal(state.paused, true);
  assert.equal(state.lastError, 'commit: store unavailable');
});

test('given a permanent error or the end of the generation, when a step fails, then it is thrown or given up at once, without waiting', async () => {
  const { retrying, turn, sleeps } = setup();
  await assert.rejects(
    retrying(turn, 'apply', async () => {
      throw Object.assign(new Error('bad bytes'), { code: 'WABUS_EVENTS_DECODE_FAILED' });
    }),
    { code: 'WABUS_EVENTS_DECODE_FAILED' },
  );
  const over = await retrying(turn, 'commit', async () => {
    throw Object.assign(new Error('The coordinator is not aware of this member'), { type: 'UNKNOWN_MEMBER_ID' });
  });
  assert.equal(over, ABORTED);
  assert.deepEqual(sleeps, []);
});
