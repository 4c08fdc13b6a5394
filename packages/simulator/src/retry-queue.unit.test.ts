import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRetryQueue } from './retry-queue.ts';

test('given entries pushed out of order, then popDue returns only due ones, earliest first', () => {
  const q = createRetryQueue<string>();
  for (const [t, v] of [
    [30, 'c'],
    [10, 'a'],
    [50, 'e'],
    [20, 'b'],
    [40, 'd'],
  ] as const)
    q.push(t, v);
  assert.equal(q.popDue(5), undefined);
  const out: string[] = [];
  for (let v = q.popDue(35); v !== undefined; v = q.popDue(35)) out.push(v);
  assert.deepEqual(out, ['a', 'b', 'c']);
  assert.equal(q.size(), 2);
  assert.equal(q.popDue(100), 'd');
  assert.equal(q.popDue(100), 'e');
  assert.equal(q.popDue(100), undefined);
});
