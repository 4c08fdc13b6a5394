import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeLatencies } from './latency-summary.ts';

test('given 1..100, then nearest-rank percentiles are exact', () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(summarizeLatencies(samples), { p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5, count: 100 });
});

test('given no samples, then everything is zero', () => {
  assert.deepEqual(summarizeLatencies([]), { p50: 0, p90: 0, p99: 0, max: 0, mean: 0, count: 0 });
});
