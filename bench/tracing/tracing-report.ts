import type { ProfileSummary } from '../lib/cpu-profile.ts';
import { fixedRateRow, type IngressCounts } from '../ingress/ingress-report.ts';
import type { TargetName } from '../ingress/targets.ts';
import type { Check, SectionReport } from '../section.ts';
import type { InterleavedPhases, InterleavedResult } from './measure-interleaved.ts';
import { OTLP_KIND, type SpanCounts } from './otlp-span-count.ts';

/** The share of ingress throughput with tracing off that each tracing variant must keep (issue 5). */
export const TARGET_RATIO = 0.85;

type Received = SpanCounts & { requests: number; bytes: number };

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const sec = (n: number) => `${(n / 1000).toFixed(0)} s`;
const pct = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(0)} %`);

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The sum of every series of a Prometheus counter, e.g. all outcomes of `wabus_ingress_requests_total`. */
export function promSum(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** A histogram's mean over its whole life (`_sum / _count`), e.g. `wabus_ingress_produce_duration_seconds`. */
export function promMean(text: string, metric: string): number {
  return promSum(text, `${metric}_sum`) / promSum(text, `${metric}_count`);
}

export function tracingReport(input: {
  results: InterleavedResult[];
  counts: IngressCounts[];
  spans: Partial<Record<TargetName, Received>>;
  phases: InterleavedPhases;
  quick: boolean;
  sampleRatio: number;
  poolSize: number;
  bodyBytes: number;
  loadBefore: number;
  kafkaReplaced: boolean;
  profile: ProfileSummary | undefined;
}): SectionReport {
  const { results, phases } = input;
  const get = (name: TargetName) => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(`no result for ${name}`);
    return r;
  };
  const off = get('tracing-off');
  /** Each round's throughput against tracing-off's in the same round. */
  const ratios = (r: InterleavedResult) => r.rounds.map((x, i) => x.saturation.rps / off.rounds[i]!.saturation.rps);
  const ratio = (r: InterleavedResult) => median(ratios(r));
  const costUs = (cpuPct: number | undefined, rps: number) => (cpuPct === undefined || rps <= 0 ? undefined : (cpuPct * 10_000) / rps);
  const satCost = (r: InterleavedResult) => median(r.rounds.map((x) => costUs(x.cpuPct, x.saturation.rps) ?? NaN));
  const fixedCost = (r: InterleavedResult) => costUs(r.fixedRateCpuPct, r.fixedRate.rps);
  const offFixedCost = fixedCost(off);
  const answered = (r: InterleavedResult) => promSum(r.metrics, 'wabus_ingress_requests_total');
  const records = (r: InterleavedResult) => input.counts.find((c) => c.target === r.name)?.events ?? 0;
  const spansOf = (r: InterleavedResult) => {
    const s = input.spans[r.name];
    return s === undefined ? undefined : { server: s.byKind[OTLP_KIND.server] ?? 0, producer: s.byKind[OTLP_KIND.producer] ?? 0, ...s };
  };

  const saturation = {
    caption:
      `**Saturation, interleaved**: the ${results.length} processes run side by side and are saturated in turn (closed loop, ` +
      `${phases.connections} keep-alive connections, ${sec(phases.roundMs)} each), ${phases.rounds} rounds, each round starting one process ` +
      `further along; after a ${sec(phases.warmupMs)} warm-up of each. Medians over the rounds; "vs off" is the median of each round's ` +
      'ratio to `tracing-off` in the same round, with the lowest and highest.',
    columns: ['target', 'req/s', 'vs off', 'lowest – highest', 'p50 ms', 'p99 ms', 'server CPU', 'CPU µs / request', 'RSS idle → peak MiB'],
    rows: results.map((r) => {
      const rs = ratios(r);
      return [
        `**${r.name}**`,
        int(median(r.rounds.map((x) => x.saturation.rps))),
        ratio(r).toFixed(2),
        `${Math.min(...rs).toFixed(2)} – ${Math.max(...rs).toFixed(2)}`,
        ms(median(r.rounds.map((x) => x.saturation.latency.p50))),
        ms(median(r.rounds.map((x) => x.saturation.latency.p99))),
        pct(median(r.rounds.map((x) => x.cpuPct ?? NaN))),
        Number.isNaN(satCost(r)) ? 'n/a' : int(satCost(r)),
        `${r.idleRssMiB?.toFixed(0) ?? 'n/a'} → ${r.peakRssMiB?.toFixed(0) ?? 'n/a'}`,
      ];
    }),
  };
  const perRequest = (r: InterleavedResult, pick: (x: InterleavedResult['rounds'][number]) => number | undefined) =>
    median(r.rounds.map((x) => costUs(pick(x), x.saturation.rps) ?? NaN));
  const us = (n: number) => (Number.isNaN(n) ? 'n/a' : int(n));
  const cpuSplit = {
    caption:
      '**Where the CPU went**, per request during saturation (medians over the rounds, µs): the machine has 2 cores for all of it, so ' +
      'what tracing costs Kafka (a `traceparent` header on every record) and the receiver costs ingress throughput too.',
    columns: [
      'target',
      'ingress',
      'Kafka',
      'load generator',
      'OTLP receivers (bench process)',
      'total',
      'mean request ms (server)',
      'mean produce ms (append → ack)',
    ],
    rows: results.map((r) => {
      const parts = [
        perRequest(r, (x) => x.cpuPct),
        perRequest(r, (x) => x.kafkaCpuPct),
        perRequest(r, (x) => x.saturation.loadgenCpuPct),
        perRequest(r, (x) => x.benchCpuPct),
      ];
      return [
        `**${r.name}**`,
        ...parts.map(us),
        us(parts.reduce((a, b) => a + b, 0)),
        ms(promMean(r.metrics, 'wabus_ingress_request_duration_seconds') * 1000),
        ms(promMean(r.metrics, 'wabus_ingress_produce_duration_seconds') * 1000),
      ];
    }),
  };
  const perRound = {
    caption: '**Each round** (req/s, in the order measured within the round):',
    columns: ['round', ...results.map((r) => r.name)],
    rows: off.rounds.map((_, i) => [String(i + 1), ...results.map((r) => int(r.rounds[i]!.saturation.rps))]),
  };
  const fixed = {
    caption:
      `**Fixed rate**: open loop, ${int(phases.rate)} req/s for ${sec(phases.rateMs)} per process, after the rounds: latency when ingress ` +
      'is not saturated, and CPU per request ("vs off": against `tracing-off`).',
    columns: ['target', 'answered req/s', 'server CPU', 'CPU µs / request', 'vs off', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'skipped'],
    rows: results.map((r) => {
      const f = r.fixedRate;
      const cost = fixedCost(r);
      return [
        `**${r.name}**`,
        int(f.rps),
        pct(r.fixedRateCpuPct),
        cost === undefined ? 'n/a' : int(cost),
        cost === undefined || offFixedCost === undefined ? 'n/a' : `${(cost / offFixedCost).toFixed(2)}×`,
        // p50, p90, p99, max, non-2xx, errors, skipped: as every fixed-rate table.
        ...fixedRateRow('', f).slice(2),
      ];
    }),
  };
  const spans = {
    caption: "**Spans** received by the OTLP receivers over each process's whole life, against what it answered and wrote:",
    columns: ['target', 'server spans', 'requests answered', 'producer spans', 'event records', 'export requests', 'MB (protobuf)'],
    rows: results
      .filter((r) => spansOf(r) !== undefined)
      .map((r) => {
        const s = spansOf(r)!;
        return [`**${r.name}**`, int(s.server), int(answered(r)), int(s.producer), int(records(r)), int(s.requests), (s.bytes / 1e6).toFixed(1)];
      }),
  };

  const all = get('tracing-all');
  const sampled = get('tracing-sampled');
  const control = get('tracing-off-b');
  const allSpans = spansOf(all);
  const sampledSpans = spansOf(sampled);
  const checks: Check[] = [
    { name: 'tracing-all / off throughput', target: `≥ ${TARGET_RATIO}`, observed: ratio(all).toFixed(2), pass: ratio(all) >= TARGET_RATIO },
    {
      name: `tracing-sampled (${input.sampleRatio * 100} %) / off throughput`,
      target: `≥ ${TARGET_RATIO}`,
      observed: ratio(sampled).toFixed(2),
      pass: ratio(sampled) >= TARGET_RATIO,
    },
    {
      name: 'tracing-all: every span exported',
      target: 'a server span per request answered, a producer span per event record',
      observed: `${int(allSpans?.server ?? 0)} / ${int(answered(all))} server, ${int(allSpans?.producer ?? 0)} / ${int(records(all))} producer`,
      pass: allSpans !== undefined && allSpans.server >= answered(all) && allSpans.producer >= records(all),
    },
  ];

  const kept = sampledSpans === undefined ? 0 : sampledSpans.server / Math.max(1, answered(sampled));
  const cpuRatio = (r: InterleavedResult) => satCost(off) / satCost(r);
  const p50 = (r: InterleavedResult) => median(r.rounds.map((x) => x.saturation.latency.p50));
  const produceMs = (r: InterleavedResult) => promMean(r.metrics, 'wabus_ingress_produce_duration_seconds') * 1000;
  const notes = [
    `**Reading the ratios.** Ingress' CPU per request alone would predict ${cpuRatio(all).toFixed(2)} for \`tracing-all\` and ` +
      `${cpuRatio(sampled).toFixed(2)} for \`tracing-sampled\` (${int(satCost(off))} µs off, ${int(satCost(all))} and ${int(satCost(sampled))} µs ` +
      `traced). The closed loop keeps ${phases.connections} requests in flight, so its throughput follows latency, and tracing adds ` +
      `latency: p50 ${ms(p50(off))} → ${ms(p50(all))} ms, mean produce (append → Kafka's ack) ${ms(produceMs(off))} → ` +
      `${ms(produceMs(all))} ms: whatever tracing runs on the event loop (making spans, serializing an export) delays requests ` +
      "and the handling of Kafka's acknowledgements alike.",
    `**Noise.** \`tracing-off-b\` is the same program as \`tracing-off\`: its ratio, ${ratio(control).toFixed(2)} (rounds ` +
      `${ratios(control)
        .map((x) => x.toFixed(2))
        .join(', ')}), is what this run cannot tell apart from 1. ` +
      `1-minute load average before the first process started: ${input.loadBefore.toFixed(2)} (the machine has 2 cores; other work on it ` +
      'slows every process, and interleaving shares that out between them, it does not remove it).',
    `**Sampling.** \`tracing-sampled\` exported ${(kept * 100).toFixed(1)} % of its requests' traces: the sampler decides once per trace, at ` +
      'the server span, and each producer span follows its parent. The other 90 % still cost a little: a trace id, a sampling decision, ' +
      'and a `traceparent` header on every record (consumers continue the trace, or its not-sampled decision, from it).',
    '**How it was measured.** The real ingress (`services/ingress/src/main.ts`, `node`, LOG_LEVEL=info to a file), four ' +
      'processes with their own topics on the bench Kafka (test profile, one broker), the load generator (autocannon for saturation, ' +
      "the simulator's open loop for the fixed rate) and the OTLP/HTTP receivers (bench/tracing/otlp-sink.ts, in the bench process: it " +
      'reads each export request, counts its spans by kind and answers 200) all on this machine. Bodies: ' +
      `${int(input.poolSize)} distinct signed single-item webhooks (~${int(input.bodyBytes)} bytes), so an accepted request is a trace of ` +
      'two spans here, its server span and one producer span. The tracing processes are configured as in production: only ' +
      '`OTEL_EXPORTER_OTLP_ENDPOINT` (and the sampler variables) set, everything else the defaults of packages/telemetry (batches of ' +
      '2,048 spans, a queue of 8,192). A span the SDK drops when its queue is full never reaches a receiver: the span counts show the ' +
      'throughput was not bought by dropping spans.',
  ];
  if (input.kafkaReplaced) notes.unshift('**Disturbed run**: the Kafka process changed during the run. Rerun on a quiet machine.');
  if (input.quick) notes.unshift('**Quick run** (`--quick`): short rounds; indicative only.');
  for (const r of results) {
    const gen = median(r.rounds.map((x) => x.saturation.loadgenCpuPct));
    if (gen >= 90) notes.unshift(`**${r.name}: the load generator was near one full core** (${gen.toFixed(0)} %): bounded by it as much as by the server.`);
    if (r.exitCode !== 0) notes.unshift(`**${r.name} did not shut down cleanly** on SIGTERM (exit ${String(r.exitCode)}).`);
  }
  if (input.profile !== undefined) {
    const p = input.profile;
    notes.push(
      `**CPU profile of tracing-all** (\`--cpu-prof\`, its whole life, ${int(p.totalMs)} ms on CPU). Self time by owner: ${p.owners.map((o) => `${o.owner} ${o.pct.toFixed(1)} %`).join(', ')}.`,
      `Charged to the nearest caller: ${p.callers.map((o) => `${o.owner} ${o.pct.toFixed(1)} %`).join(', ')}.`,
      `Hottest functions: ${p.functions.map((f) => `\`${f.name}\` (${f.where}) ${f.pct.toFixed(1)} %`).join('; ')}.`,
    );
  }
  return { tables: [saturation, perRound, cpuSplit, fixed, spans], checks, notes };
}
