import os from 'node:os';
import type { ProfileSummary } from '../lib/cpu-profile.ts';
import type { Check, SectionReport } from '../section.ts';
import type { Phases, TargetResult } from './measure-target.ts';
import type { LoadResult } from './loadgen-protocol.ts';
import { targets, type TargetName } from './targets.ts';

export interface IngressCounts {
  /** An ingress target (wabus, wabus-2w); each writes to its own topics. */
  target: TargetName;
  /** Records on the target's bench events topic (sum of high watermarks over its partitions). */
  events: number;
  raw: number;
  /** ingress' own count of 200 answers (wabus_ingress_requests_total{outcome="accepted"}); undefined with workers (one registry each). */
  serverAccepted: number | undefined;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

/** A row of a fixed-rate phase: answered req/s, p50, p90, p99 and max ms, non-2xx, errors, skipped. */
export const fixedRateRow = (label: string, f: LoadResult): string[] => [
  label,
  int(f.rps),
  ms(f.latency.p50),
  ms(f.latency.p90),
  ms(f.latency.p99),
  ms(f.latency.max),
  int(f.non2xx),
  int(f.errors),
  int(f.skipped),
];
const pct = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(0)} %`);
const mib = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(0)}`);
const sec = (n: number) => `${(n / 1000).toFixed(0)} s`;

/** Broker CPU time per webhook answered 200 during saturation (µs): what the producer's requests cost Kafka. */
export const kafkaMicrosPerWebhook = (r: TargetResult): number | undefined =>
  r.kafkaCpuPct === undefined || r.saturation.rps === 0 ? undefined : ((r.kafkaCpuPct / 100) * 1e6) / r.saturation.rps;

export function ingressReport(input: {
  results: TargetResult[];
  phases: Phases;
  counts: IngressCounts[];
  poolSize: number;
  bodyBytes: number;
  profile: ProfileSummary | undefined;
  quick: boolean;
  /** 1-minute load average just before the first target started: other work on the machine skews everything. */
  loadBefore: number;
  /** The Kafka process we sampled was gone by the end: something restarted the shared broker mid-run. */
  kafkaReplaced: boolean;
}): SectionReport {
  const { results, phases, counts } = input;
  const get = (name: string) => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(`no result for ${name}`);
    return r;
  };
  const bare = get('bare');
  const naive = get('naive');

  const saturation = {
    caption: `**Saturation**: closed loop, ${phases.connections} keep-alive connections, ${sec(phases.saturateMs)} after a ${sec(phases.warmupMs)} warm-up (autocannon).`,
    columns: [
      'target',
      'req/s',
      'p50 ms',
      'p99 ms',
      'non-2xx',
      'errors',
      'server CPU',
      'Kafka CPU',
      'Kafka CPU µs / webhook',
      'load gen CPU',
      'RSS idle → peak MiB',
    ],
    rows: results.map((r) => {
      const s = r.saturation;
      return [
        `**${r.name}**`,
        int(s.rps),
        ms(s.latency.p50),
        ms(s.latency.p99),
        int(s.non2xx),
        int(s.errors),
        pct(r.serverCpuPct),
        r.name === 'bare' ? '(idle)' : pct(r.kafkaCpuPct),
        r.name === 'bare' ? '' : kafkaMicrosPerWebhook(r) === undefined ? 'n/a' : kafkaMicrosPerWebhook(r)!.toFixed(1),
        pct(s.loadgenCpuPct),
        `${mib(r.idleRssMiB)} → ${mib(r.peakRssMiB)}`,
      ];
    }),
  };
  const fixed = {
    caption: `**Fixed rate**: open loop, ${int(phases.rate)} req/s paced by the clock for ${sec(phases.rateMs)} (the simulator's runSimulation), right after saturation.`,
    columns: ['target', 'answered req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'skipped'],
    rows: results.map((r) => fixedRateRow(`**${r.name}**`, r.fixedRate)),
  };

  const phasesOf = (r: TargetResult) => [r.warmup, r.saturation, r.fixedRate];
  const specOf = (r: TargetResult) => targets.find((t) => t.name === r.name);
  const checks: Check[] = [];
  const correctness: string[] = [];
  for (const r of results.filter((x) => specOf(x)?.ingress)) {
    const c = counts.find((x) => x.target === r.name);
    if (!c) throw new Error(`no record counts for ${r.name}`);
    const vsBare = r.saturation.rps / bare.saturation.rps;
    const vsNaive = r.saturation.rps / naive.saturation.rps;
    const p99 = r.fixedRate.latency.p99;
    const client2xx = phasesOf(r).reduce((a, p) => a + p.ok2xx, 0);
    const abandoned = phasesOf(r).reduce((a, p) => a + p.abandoned, 0);
    const failures = phasesOf(r).reduce((a, p) => a + p.non2xx + p.errors, 0);
    // What the load generator saw bounds the 200s: it read client2xx of them, and each abandoned request may have been one.
    const consistent = c.events >= client2xx && c.events <= client2xx + abandoned;
    checks.push(
      // One after the other, minutes apart: informative only; the side-by-side ratios above are the ones judged.
      { name: `${r.name} / bare throughput, one after the other`, target: '(≥ 0.30)', observed: vsBare.toFixed(2), pass: vsBare >= 0.3 },
      { name: `${r.name} / naive throughput, one after the other`, target: '(≥ 3×)', observed: `${vsNaive.toFixed(1)}×`, pass: vsNaive >= 3 },
      { name: `${r.name} p99 at ${int(phases.rate)} req/s`, target: '< 50 ms', observed: `${ms(p99)} ms`, pass: p99 < 50 && r.fixedRate.skipped === 0 },
    );
    const extra = (answered200: number) =>
      c.events > answered200
        ? ` The ${int(c.events - answered200)} records beyond the 200s belong to requests that got no 200 ` +
          `(timed out or 5xx) yet reached Kafka: at-least-once, so Meta's retry of them becomes a duplicate for the consumers to drop.`
        : '';
    if (c.serverAccepted !== undefined) {
      const exact = c.events === c.serverAccepted && c.raw === c.serverAccepted;
      checks.push({
        name: `${r.name}: events records = 200 answers`,
        target: 'equal',
        observed: `${int(c.events)} records, ${int(c.serverAccepted)} answered 200`,
        pass: exact && consistent,
      });
      correctness.push(
        `**Correctness of the ${r.name} run** (warm-up + saturation + fixed rate, every body one item): its events topic holds ` +
          `${int(c.events)} records (sum of high watermarks over its partitions), its raw topic ${int(c.raw)}; ingress ` +
          `answered 200 ${int(c.serverAccepted)} times (its ` +
          `\`wabus_ingress_requests_total{outcome="accepted"}\`); the load generator read ${int(client2xx)} of those 200s, and ` +
          `${int(abandoned)} requests were still in flight when autocannon closed its sockets at the end of a closed-loop phase ` +
          `(answered by the server, never read). ${int(failures)} ${r.name} requests got no 200.` +
          extra(c.serverAccepted),
      );
    } else {
      checks.push({
        name: `${r.name}: events records = 200 answers`,
        target: '2xx ≤ n ≤ 2xx + abandoned',
        observed: `${int(c.events)} records, ${int(client2xx)} read 200 + ${int(abandoned)} abandoned`,
        pass: consistent && c.raw === c.events,
      });
      correctness.push(
        `**Correctness of the ${r.name} run** (same phases, its own topics): its events topic holds ${int(c.events)} records, ` +
          `its raw topic ${int(c.raw)}. There is no single count of its 200s to compare with: each worker has its own ` +
          `metrics registry and a GET /metrics reaches only one of them. So the records are checked against the load ` +
          `generator instead: it read ${int(client2xx)} answers 200, and ${int(abandoned)} requests were still in flight ` +
          `when autocannon closed its sockets (answered by the server, never read), so ` +
          (abandoned === 0 ? `exactly ${int(client2xx)}` : `between ${int(client2xx)} and ${int(client2xx + abandoned)}`) +
          ` records are expected, as many on raw as on events. ${int(failures)} ${r.name} ` +
          `requests got no 200.` +
          (c.events > client2xx + abandoned ? extra(client2xx + abandoned) : ''),
      );
    }
  }

  const multi = results.filter((r) => (specOf(r)?.workers ?? 1) > 1);
  const treeOf = (r: TargetResult) => {
    const ps = r.processes ?? [];
    const primary = ps[0];
    return ps
      .map(
        (p, i) =>
          `${i === 0 ? 'primary' : p.comm === primary?.comm ? 'worker' : p.comm === 'esbuild' ? "esbuild (tsx's transform service)" : p.comm} ` +
          `${pct(p.cpuPct)}, ${mib(p.peakRssMiB)} MiB`,
      )
      .join(', ');
  };
  const single = results.filter((r) => (specOf(r)?.workers ?? 1) === 1).map((r) => r.name);
  const notes = [
    ...correctness,
    ...multi.map(
      (r) =>
        `**${r.name} uses both cores.** ${single.join(', ')} are one Node process each (one event loop), so the ${r.name} ` +
        `rows do not compare like with like: they show what ingress does with every core of this machine, which it ` +
        `shares with Kafka and the load generator (their CPU columns). Its server CPU is summed over its process tree ` +
        `(% of one core, so up to ${os.availableParallelism() * 100} % here) and its peak RSS is the sum of each process's ` +
        `VmHWM (peaks not necessarily at the same moment); the tree during saturation (CPU, peak RSS): ${treeOf(r)}.`,
    ),
    `**How it was measured.** Each target runs alone (${single.join(', ')}: one Node process each; ` +
      `${multi.map((r) => `${r.name}: a node:cluster primary and ${specOf(r)?.workers ?? '?'} workers`).join('; ')}; ` +
      `\`node\`), with Kafka ` +
      `(test profile, KRaft, one broker) and the load generator (another process) on the same ${os.availableParallelism()}-core ` +
      `machine; the ${results.length} targets run one after the other in one \`pnpm bench\` (1-minute load average before the first: ` +
      `${input.loadBefore.toFixed(2)}). Bodies: a pool of ${int(input.poolSize)} distinct single-item ` +
      `\`text\` webhooks (~${int(input.bodyBytes)} bytes) from the simulator's generator, signed with \`X-Hub-Signature-256\`, ` +
      `shared by all connections in turn; the fixed-rate phase generates fresh ones. Latencies are exact percentiles ` +
      `over every answer (client side, ms), not a histogram. Topics are created per run and target (\`bench.<run>.<target>.*\`, ${12} partitions, ` +
      `the production configs from infra/topics.json) and deleted afterwards. CPU is % of one core over the saturation ` +
      `phase (/proc/<pid>/stat; with workers, summed over the server's process tree, found through /proc/<pid>/task/*/children ` +
      `at the phase's start and end); peak RSS is VmHWM after saturation (with workers, summed over the tree).` +
      (multi.length > 0
        ? ' A target with workers is ready once every worker holds one of 2 × workers connections opened at once ' +
          '(the primary hands them round-robin to the workers that listen) and GET /readyz answered 200 on each.'
        : ''),
    `**Why two load generators.** autocannon for saturation: it writes ready-made requests to raw sockets and so leaves ` +
      `more of the cores to the server. When it was chosen, against \`bare\` on this 2-core machine in the same conditions, ` +
      `the simulator's runSimulation closed loop (node:http, a body generated per request) reached 9.3k req/s and ` +
      `autocannon 29k, each generator at 100 % of a core; prebuilding the pool's requests (instead of autocannon's ` +
      `per-request \`setupRequest\`) then cut the generator's CPU per request by about a third. The simulator's ` +
      `runSimulation for the fixed rate: it schedules sends by the clock (a true open loop), whereas autocannon's ` +
      `\`overallRate\` throttles each connection's closed loop and hides queueing (coordinated omission).`,
    'Targets: ' + targets.map((t) => `**${t.name}**: ${t.description}`).join('; ') + '.',
  ];
  for (const r of results) {
    if (r.saturation.loadgenCpuPct >= 90) {
      notes.unshift(
        `**${r.name}: the load generator was near one full core** (${pct(r.saturation.loadgenCpuPct)}) while the server used ` +
          `${pct(r.serverCpuPct)}: that row is bounded by the generator as much as by the server.`,
      );
    }
  }
  for (const r of results) {
    if (r.exitCode !== 0) notes.unshift(`**${r.name} did not shut down cleanly** on SIGTERM (exit ${String(r.exitCode)}); see its log.`);
  }
  if (input.kafkaReplaced) {
    notes.unshift(
      '**Disturbed run**: the Kafka process sampled at the start was gone at the end: something restarted the shared ' +
        'test broker during the run (an integration test?). Rerun on a quiet machine.',
    );
  }
  if (input.quick) notes.unshift('**Quick run** (`--quick`): short phases; indicative only.');
  if (input.profile !== undefined) {
    const p = input.profile;
    notes.push(
      `**CPU profile of wabus** (\`--cpu-prof\`, whole process life, ${int(p.totalMs)} ms on CPU; numbers above are slower for it). ` +
        `Self time by owner: ${p.owners.map((o) => `${o.owner} ${o.pct.toFixed(1)} %`).join(', ')}.`,
      `The same with node internals and native code charged to their nearest caller: ${p.callers.map((o) => `${o.owner} ${o.pct.toFixed(1)} %`).join(', ')}.`,
      `Hottest functions (self time): ${p.functions.map((f) => `\`${f.name}\` (${f.where}) ${f.pct.toFixed(1)} %`).join('; ')}.`,
    );
  }
  return { tables: [saturation, fixed], checks, notes };
}
