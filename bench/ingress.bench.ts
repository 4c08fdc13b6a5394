import { ingressReport } from './ingress/ingress-report.ts';
import type { Phases } from './ingress/measure-target.ts';
import { runTargets } from './ingress/run-targets.ts';
import { targets } from './ingress/targets.ts';
import type { BenchSection } from './section.ts';

export const FULL: Phases = { warmupMs: 3_000, saturateMs: 15_000, rateMs: 15_000, connections: 64, rate: 1_000, maxInFlight: 1_000 };
export const QUICK: Phases = { ...FULL, warmupMs: 1_000, saturateMs: 4_000, rateMs: 4_000 };

/** Ingress throughput and latency, side by side with a bare fastify route and a naive produce-per-request handler. */
export const ingressBench: BenchSection = {
  name: 'ingress',
  title: 'Ingress: POST /webhook to Kafka',
  async run(ctx) {
    const phases = ctx.quick ? QUICK : FULL;
    const run = await runTargets(ctx, { targets, phases, profiled: 'wabus' });
    return ingressReport({ ...run, phases, quick: ctx.quick });
  },
};
