import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPartitionProgress } from './partition-progress.ts';

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

test('given a chunk of partition 0 in flight, when the broker already answers its commit, then waiters wake only at its own advance', async () => {
  const progress = createPartitionProgress();
  const waiting = progress.waitFor((applied) => applied(0) >= 10n && applied(1) >= 5n);
  const end = progress.begin(0);
  progress.advanceCommitted(0, 10n); // our commit, seen by the poll before the commit call returned
  progress.advanceCommitted(1, 5n); // a partition another instance applied
  assert.equal(progress.state(0).applied, undefined, 'an in-flight partition is not advanced by what the broker says');
  assert.equal(progress.state(1).applied, '5');
  assert.equal(await settled(waiting), false);
  progress.advance(0, 10n); // the chunk reported, then advanced
  end();
  assert.equal(await settled(waiting), true);
});

test('given chunks given up or overlapping, when they end, then committed offsets count again; an end called twice counts once', () => {
  const progress = createPartitionProgress();
  const a = progress.begin(3);
  const b = progress.begin(3);
  a();
  a();
  progress.advanceCommitted(3, 7n);
  assert.equal(progress.state(3).applied, undefined, 'b is still in flight');
  b();
  progress.advanceCommitted(3, 7n);
  progress.advanceCommitted(3, 4n);
  assert.equal(progress.state(3).applied, '7', 'never lowered');
});
