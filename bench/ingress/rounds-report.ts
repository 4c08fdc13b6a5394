import type { Check } from '../section.ts';
import type { InterleavedPhases, InterleavedResult } from '../tracing/measure-interleaved.ts';
import { median } from '../tracing/tracing-report.ts';

const int = (n: number) => (Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const sec = (n: number) => `${(n / 1000).toFixed(0)} s`;
const costUs = (cpuPct: number | undefined, rps: number) => (cpuPct === undefined || rps <= 0 ? NaN : (cpuPct * 10_000) / rps);

/**
 * bare, naive and wabus side by side, saturated in turn round after round (bench/tracing/measure-interleaved.ts):
 * the throughput ratios of issue 10 come from here, each round's ratio taken within the round, so that what the
 * machine does meanwhile (this VM's speed drifts by ±20 % between runs minutes apart) cancels out.
 */
export function roundsReport(
  results: readonly InterleavedResult[],
  phases: InterleavedPhases,
): { table: { caption: string; columns: string[]; rows: string[][] }; checks: Check[]; ratios: Record<string, number> } {
  const get = (name: string) => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(`no interleaved result for ${name}`);
    return r;
  };
  const bare = get('bare');
  const naive = get('naive');
  const wabus = get('wabus');
  const perRound = (a: InterleavedResult, b: InterleavedResult) => a.rounds.map((x, i) => x.saturation.rps / b.rounds[i]!.saturation.rps);
  const vsBare = perRound(wabus, bare);
  const vsNaive = perRound(wabus, naive);
  const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)} – ${Math.max(...xs).toFixed(digits)}`;
  const table = {
    caption:
      `**Side by side** (the ratios the targets below are judged on): bare, naive and wabus run at once and are saturated in turn ` +
      `(${phases.connections} connections, ${sec(phases.roundMs)} each), ${phases.rounds} rounds, each starting one target further along, after a ` +
      `${sec(phases.warmupMs)} warm-up of each; medians over the rounds, each ratio taken within its round (lowest – highest beside it). ` +
      'CPU per webhook is over each round (µs, % of one core × 10,000 / req/s).',
    columns: ['target', 'req/s', 'vs bare', 'vs naive', 'p99 ms', 'server CPU µs / webhook', 'Kafka CPU µs / webhook', 'load gen CPU µs / webhook'],
    rows: results.map((r) => {
      const rb = perRound(r, bare);
      const rn = perRound(r, naive);
      return [
        `**${r.name}**`,
        int(median(r.rounds.map((x) => x.saturation.rps))),
        r === bare ? '1' : `${median(rb).toFixed(2)} (${range(rb, 2)})`,
        r === naive ? '1' : `${median(rn).toFixed(1)}× (${range(rn, 1)})`,
        median(r.rounds.map((x) => x.saturation.latency.p99)).toFixed(1),
        int(median(r.rounds.map((x) => costUs(x.cpuPct, x.saturation.rps)))),
        r === bare ? '' : int(median(r.rounds.map((x) => costUs(x.kafkaCpuPct, x.saturation.rps)))),
        int(median(r.rounds.map((x) => costUs(x.saturation.loadgenCpuPct, x.saturation.rps)))),
      ];
    }),
  };
  const base = results.find((x) => x.name === 'wabus-baseline');
  const b = median(vsBare);
  const n = median(vsNaive);
  const checks: Check[] = [
    // Issue 10: twice the 0.15 measured with kafkajs (2026-11-27); 0.5 stays the ceiling to aim at.
    { name: 'wabus / bare throughput, side by side (issue 10)', target: '≥ 0.30', observed: `${b.toFixed(2)} (${range(vsBare, 2)})`, pass: b >= 0.3 },
    { name: 'wabus / bare throughput, side by side (ceiling)', target: '≥ 0.50', observed: b.toFixed(2), pass: b >= 0.5 },
    { name: 'wabus / naive throughput, side by side', target: '≥ 3×', observed: `${n.toFixed(1)}× (${range(vsNaive, 1)})`, pass: n >= 3 },
  ];
  if (base !== undefined) {
    const vsBase = perRound(wabus, base);
    const kafkaOf = (r: InterleavedResult) => median(r.rounds.map((x) => costUs(x.kafkaCpuPct, x.saturation.rps)));
    const cpuOf = (r: InterleavedResult) => median(r.rounds.map((x) => costUs(x.cpuPct, x.saturation.rps)));
    checks.push(
      {
        name: 'wabus / the baseline checkout, throughput',
        target: '(> 1)',
        observed: `${median(vsBase).toFixed(2)}× (${range(vsBase, 2)})`,
        pass: median(vsBase) > 1,
      },
      {
        name: 'ingress CPU per webhook, wabus / baseline',
        target: '(< 1)',
        observed: (cpuOf(wabus) / cpuOf(base)).toFixed(2),
        pass: cpuOf(wabus) < cpuOf(base),
      },
      {
        name: 'Kafka CPU per webhook, wabus / baseline (issue 10: not raised)',
        target: '≤ 1',
        observed: (kafkaOf(wabus) / kafkaOf(base)).toFixed(2),
        pass: kafkaOf(wabus) <= kafkaOf(base),
      },
    );
  }
  return { table, checks, ratios: { vsBare: b, vsNaive: n } };
}
