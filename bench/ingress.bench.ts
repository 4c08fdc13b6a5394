import { ingressReport } from './ingress/ingress-report.ts';
import { measureTarget, type Phases, type TargetResult } from './ingress/measure-target.ts';
import { roundsReport } from './ingress/rounds-report.ts';
import { withIngressRig } from './ingress/run-targets.ts';
import { baselineTarget, targets } from './ingress/targets.ts';
import type { IngressCounts } from './ingress/ingress-report.ts';
import { measureInterleaved, type InterleavedPhases } from './tracing/measure-interleaved.ts';
import type { BenchSection } from './section.ts';

export const FULL: Phases = { warmupMs: 3_000, saturateMs: 15_000, rateMs: 15_000, connections: 64, rate: 1_000, maxInFlight: 1_000 };
export const QUICK: Phases = { ...FULL, warmupMs: 1_000, saturateMs: 4_000, rateMs: 4_000 };
const ROUNDS: InterleavedPhases = { warmupMs: 3_000, roundMs: 5_000, rounds: 6, connections: 64, rate: 1_000, rateMs: 5_000, maxInFlight: 1_000 };
const QUICK_ROUNDS: InterleavedPhases = { ...ROUNDS, warmupMs: 1_000, roundMs: 2_000, rounds: 3, rateMs: 2_000 };
const SIDE_BY_SIDE = new Set(['bare', 'naive', 'wabus', 'wabus-baseline']);

/**
 * Ingress throughput and latency, side by side with a bare fastify route and a naive produce-per-request handler:
 * each target alone (CPU, memory, latency at a fixed rate, every record reconciled with the answers), then bare,
 * naive and wabus interleaved round after round for the throughput ratios.
 */
export const ingressBench: BenchSection = {
  name: 'ingress',
  title: 'Ingress: POST /webhook to Kafka',
  async run(ctx) {
    const phases = ctx.quick ? QUICK : FULL;
    const baselineDir = process.env['WABUS_BENCH_BASELINE'];
    const baseline = baselineDir ? baselineTarget(baselineDir) : undefined;
    const all = baseline ? [...targets, baseline] : targets;
    const { value, report } = await withIngressRig(ctx, { targets: all, profiled: 'wabus' }, async (rig) => {
      const results: TargetResult[] = [];
      for (const target of targets) {
        results.push(await measureTarget({ target, env: rig.envOf(target), loadgen: rig.loadgen, phases, kafkaPid: rig.kafkaPid, log: ctx.log }));
      }
      // Reconciled before the interleaved phase, which writes more records to the same topics.
      const counts: IngressCounts[] = [];
      for (const t of targets.filter((x) => x.ingress)) counts.push(await rig.counts(t, results.find((r) => r.name === t.name)?.metrics));
      const rounds = await measureInterleaved({
        targets: all.filter((t) => SIDE_BY_SIDE.has(t.name)),
        envOf: rig.envOf,
        loadgen: rig.loadgen,
        phases: ctx.quick ? QUICK_ROUNDS : ROUNDS,
        kafkaPid: rig.kafkaPid,
        log: ctx.log,
      });
      return { results, counts, rounds };
    });
    const sideBySide = roundsReport(value.rounds, ctx.quick ? QUICK_ROUNDS : ROUNDS);
    const section = ingressReport({ ...report, results: value.results, counts: value.counts, phases, quick: ctx.quick });
    return {
      ...section,
      tables: [sideBySide.table, ...section.tables],
      checks: [...sideBySide.checks, ...section.checks],
    };
  },
};
