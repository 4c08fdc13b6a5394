import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpsError } from '../errors.ts';
import { differingFields } from './diff-databases.ts';
import { parseOffsets } from './positions.ts';
import { formatDuration, progressLine } from './progress.ts';

test('parseOffsets: one offset for every partition, or partition=offset pairs; anything else is WABUS_OPS_BAD_OFFSET', () => {
  assert.deepEqual(parseOffsets('0', '--from'), { all: 0n });
  assert.deepEqual(parseOffsets('12345678901234', '--from'), { all: 12345678901234n });
  assert.deepEqual(parseOffsets('0=10, 3:7', '--from'), {
    each: new Map([
      [0, 10n],
      [3, 7n],
    ]),
  });
  for (const bad of ['', '-1', '0=', '=5', '0=1,0=2', 'a=1', '1.5', '0=1;1=2']) {
    assert.throws(
      () => parseOffsets(bad, '--from'),
      (err) => OpsError.is(err, 'WABUS_OPS_BAD_OFFSET') && err.message.startsWith('--from'),
      bad,
    );
  }
});

test('progressLine: bar, percentage, counts, rate and ETA from what is done and the time spent', () => {
  assert.equal(progressLine({ label: 'replay r1', done: 500n, total: 2000n, elapsedMs: 1000, width: 10 }), 'replay r1 [###.......] 25% 500/2,000 500/s ETA 3s');
  assert.equal(progressLine({ label: 'x', done: 0n, total: 10n, elapsedMs: 0, width: 4 }), 'x [....] 0% 0/10 0/s ETA ?');
  assert.equal(progressLine({ label: 'x', done: 0n, total: 0n, elapsedMs: 5, width: 4 }), 'x [####] 100% 0/0 0/s ETA ?');
  assert.deepEqual([999, 1_000, 61_000, 3_725_000].map(formatDuration), ['999ms', '1s', '1m01s', '1h02m']);
});

test('differingFields: nested paths of the fields that differ, whole values for arrays and scalars, field order noticed', () => {
  assert.deepEqual(differingFields({ a: 1, b: { c: 2, d: [1, 2] } }, { a: 1, b: { c: 3, d: [1, 2] } }), ['b.c']);
  assert.deepEqual(differingFields({ a: 1, b: { d: [1, 2] } }, { a: 1, b: { d: [2, 1] }, e: null }), ['b.d', 'e']);
  assert.deepEqual(differingFields({ a: 1, b: 2 }, { b: 2, a: 1 }), ['(field order)']);
  assert.deepEqual(differingFields({ at: new Date(0) }, { at: new Date(1) }), ['at']);
  assert.deepEqual(differingFields({ n: 1 }, { n: 1 }), []);
});
