import type { SimulationReport } from './simulation-options.ts';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** A short human-readable table of a simulation report. */
export function formatReport(r: SimulationReport): string {
  const statuses = Object.entries(r.byStatus)
    .map(([status, n]) => `${status}: ${n}`)
    .join('  ');
  const errors = Object.entries(r.errorsByCode)
    .map(([code, n]) => `${code}: ${n}`)
    .join('  ');
  const rows: [string, string][] = [
    ['requests', `sent ${r.sent}  accepted ${r.accepted}  rejected ${r.rejected}  unavailable ${r.unavailable}  errors ${r.errors}  skipped ${r.skipped}`],
    ['re-posts', `sent ${r.duplicatesSent}  pending ${r.duplicatesPending}`],
    ['status', statuses === '' ? '-' : statuses],
    [
      'latency ms',
      `p50 ${ms(r.latencyMs.p50)}  p90 ${ms(r.latencyMs.p90)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}  mean ${ms(r.latencyMs.mean)}`,
    ],
    ['throughput', `${r.requestsPerSecond.toFixed(1)} req/s over ${(r.durationMs / 1000).toFixed(2)} s`],
    ['items', `${r.itemsSent} sent, ${r.uniqueItemsSent} unique${r.expectedItems === undefined ? '' : `, ${r.expectedItems.length} expected`}`],
    ['seed', String(r.seed)],
  ];
  if (errors !== '') rows.splice(3, 0, ['errors', errors]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
