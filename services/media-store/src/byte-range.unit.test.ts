import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange } from './byte-range.ts';

test('given Range headers (RFC 9110 §14.2), then the inclusive byte range, the whole object, or unsatisfiable', () => {
  assert.deepEqual(parseRange(undefined, 100), { kind: 'whole' });
  assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'range', range: { start: 0, end: 9 } });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'range', range: { start: 90, end: 99 } });
  assert.deepEqual(parseRange('bytes=90-500', 100), { kind: 'range', range: { start: 90, end: 99 } }, 'clipped to the end');
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'range', range: { start: 90, end: 99 } });
  assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'range', range: { start: 0, end: 99 } });
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=5-2', 100), { kind: 'whole' }, 'invalid: ignored');
  assert.deepEqual(parseRange('bytes=0-1,5-6', 100), { kind: 'whole' }, 'several ranges: served whole');
  assert.deepEqual(parseRange('items=0-1', 100), { kind: 'whole' });
});
