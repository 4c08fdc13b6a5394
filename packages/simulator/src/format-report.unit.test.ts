import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport } from './format-report.ts';
import type { SimulationReport } from './simulation-options.ts';

test('given a report, then the table shows counts, statuses, errors, latency and throughput', () => {
  const report: SimulationReport = {
    seed: 42,
    sent: 120,
    accepted: 100,
    rejected: 5,
    unavailable: 10,
    errors: 5,
    skipped: 3,
    duplicatesSent: 7,
    duplicatesPending: 1,
    byStatus: { 200: 100, 401: 5, 503: 10 },
    errorsByCode: { ECONNRESET: 5 },
    latencyMs: { p50: 1.25, p90: 3, p99: 12.5, max: 140, mean: 2, count: 115 },
    durationMs: 2000,
    requestsPerSecond: 60,
    itemsSent: 360,
    uniqueItemsSent: 339,
  };
  const text = formatReport(report);
  assert.match(text, /^requests +sent 120 {2}accepted 100 {2}rejected 5 {2}unavailable 10 {2}errors 5 {2}skipped 3$/m);
  assert.match(text, /200: 100 {2}401: 5 {2}503: 10/);
  assert.match(text, /ECONNRESET: 5/);
  assert.match(text, /p50 1\.3 {2}p90 3\.0 {2}p99 12\.5 {2}max 140/);
  assert.match(text, /60\.0 req\/s over 2\.00 s/);
  assert.match(text, /seed +42/);
});
