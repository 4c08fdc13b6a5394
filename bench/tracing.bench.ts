import { withIngressRig } from './ingress/run-targets.ts';
import { ingressTarget, type TargetSpec, type TracingTargetName } from './ingress/targets.ts';
import { measureInterleaved, type InterleavedPhases } from './tracing/measure-interleaved.ts';
import { startOtlpSink, type OtlpSink } from './tracing/otlp-sink.ts';
import { tracingReport } from './tracing/tracing-report.ts';
import type { BenchSection } from './section.ts';

const FULL: InterleavedPhases = { warmupMs: 3_000, roundMs: 5_000, rounds: 6, connections: 64, rate: 1_000, rateMs: 10_000, maxInFlight: 1_000 };
const QUICK: InterleavedPhases = { ...FULL, warmupMs: 1_000, roundMs: 2_000, rounds: 3, rateMs: 3_000 };

/** The share of traces `tracing-sampled` keeps (OTEL_TRACES_SAMPLER_ARG). */
export const SAMPLE_RATIO = 0.1;

/** The bench's own OTEL_* variables are dropped (set to undefined), so `off` is off and `all` is exactly what it says. */
const withoutOtel = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('OTEL_'))
      .map((k) => [k, undefined]),
  );

function tracingTargets(sinks: { all: OtlpSink; sampled: OtlpSink }): TargetSpec[] {
  const t = (name: TracingTargetName, description: string, env: NodeJS.ProcessEnv) => ingressTarget(name, 1, description, () => ({ ...withoutOtel(), ...env }));
  return [
    t('tracing-off', 'the real ingress, no OTEL_* variable: the SDK is not even loaded', {}),
    t(
      'tracing-all',
      'the same with `OTEL_EXPORTER_OTLP_ENDPOINT` set and nothing else: every span exported over OTLP/HTTP (protobuf, the SDK default) to a receiver that counts them',
      { OTEL_EXPORTER_OTLP_ENDPOINT: sinks.all.endpoint },
    ),
    t('tracing-sampled', `the same with \`OTEL_TRACES_SAMPLER=parentbased_traceidratio\`, \`OTEL_TRACES_SAMPLER_ARG=${SAMPLE_RATIO}\``, {
      OTEL_EXPORTER_OTLP_ENDPOINT: sinks.sampled.endpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(SAMPLE_RATIO),
    }),
    t('tracing-off-b', 'a second `tracing-off` process: the control, whose ratio to `tracing-off` is the noise of the measurement', {}),
  ];
}

/**
 * What tracing costs ingress: four ingress processes (off, every span exported, 10 % sampled, off again) saturated in
 * turn, round after round, each round's throughput compared with `tracing-off` in the same round.
 */
export const tracingBench: BenchSection = {
  name: 'tracing',
  title: 'Tracing overhead: ingress with tracing off, exporting every span, and sampling',
  async run(ctx) {
    const phases = ctx.quick ? QUICK : FULL;
    const sinks = { all: await startOtlpSink(), sampled: await startOtlpSink() };
    try {
      const targets = tracingTargets(sinks);
      const { value: run, report } = await withIngressRig(ctx, { targets, profiled: 'tracing-all' }, async (rig) => {
        const results = await measureInterleaved({ targets, envOf: rig.envOf, loadgen: rig.loadgen, phases, kafkaPid: rig.kafkaPid, log: ctx.log });
        const counts = await Promise.all(targets.map((t) => rig.counts(t, results.find((r) => r.name === t.name)?.metrics)));
        return { results, counts };
      });
      const spans = { 'tracing-all': sinks.all.counts(), 'tracing-sampled': sinks.sampled.counts() };
      for (const [name, c] of Object.entries(spans))
        ctx.log(`${name}: received ${c.total} spans in ${c.requests} export requests (${(c.bytes / 1e6).toFixed(1)} MB)`);
      return tracingReport({ ...report, ...run, spans, phases, quick: ctx.quick, sampleRatio: SAMPLE_RATIO });
    } finally {
      await Promise.all([sinks.all.close(), sinks.sampled.close()]);
    }
  },
};
