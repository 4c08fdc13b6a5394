import { availableParallelism } from 'node:os';
import type { Check, SectionReport } from '../section.ts';
import { median } from '../tracing/tracing-report.ts';
import type { IdlePhases, IdleResult } from './measure-idle.ts';

const pct = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(2)} %`);
const mib = (n: number) => (Number.isFinite(n) ? Math.round(n).toString() : 'n/a');
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}` : 'n/a');
const total = (r: IdleResult, f: (s: IdleResult['services'][number]) => number) => r.services.reduce((a, s) => a + f(s), 0);
const IDLE_TARGET_PCT = 5;

export function idleReport(results: IdleResult[], p: IdlePhases, baselineDir: string | undefined): SectionReport {
  const wabus = results.find((r) => r.target === 'wabus')!;
  const base = results.find((r) => r.target === 'baseline');
  const cols = (r: IdleResult | undefined, name: string) => {
    const s = r?.services.find((x) => x.name === name);
    return s ? [pct(s.cpuPct), mib(s.rssMiB)] : [];
  };
  const perService = wabus.services.map((s) => [
    s.name,
    ...cols(wabus, s.name),
    ...(base ? [...cols(base, s.name), ratio(s.cpuPct, base.services.find((x) => x.name === s.name)?.cpuPct ?? Number.NaN)] : []),
  ]);
  const totals = (r: IdleResult) => [pct(total(r, (s) => s.cpuPct)), mib(total(r, (s) => s.rssMiB))];
  const rows = [
    ...perService,
    [
      `**the ${wabus.services.length} services**`,
      ...totals(wabus),
      ...(base
        ? [
            ...totals(base),
            ratio(
              total(wabus, (s) => s.cpuPct),
              total(base, (s) => s.cpuPct),
            ),
          ]
        : []),
    ],
    [
      'the launcher (`wabus dev`)',
      pct(wabus.launcher.cpuPct),
      mib(wabus.launcher.rssMiB),
      ...(base ? [pct(base.launcher.cpuPct), mib(base.launcher.rssMiB), ratio(wabus.launcher.cpuPct, base.launcher.cpuPct)] : []),
    ],
    [
      'Kafka (shared test broker)',
      pct(wabus.kafkaCpuPct),
      '',
      ...(base ? [pct(base.kafkaCpuPct), '', ratio(wabus.kafkaCpuPct ?? Number.NaN, base.kafkaCpuPct ?? Number.NaN)] : []),
    ],
  ];
  const latencyRow = (r: IdleResult) => [
    `**${r.target}**`,
    r.afterLong.map(ms).join(', '),
    ms(median(r.afterLong)),
    r.afterShort.map(ms).join(', '),
    ms(median(r.afterShort)),
    ratio(median(r.afterLong), median(r.afterShort)),
    ms(r.stopMs),
  ];
  const idleTotal = total(wabus, (s) => s.cpuPct);
  const checks: Check[] = [
    {
      name: `the ${wabus.services.length} services idle, together`,
      target: `< ${IDLE_TARGET_PCT} % of one core`,
      observed: pct(idleTotal),
      pass: idleTotal < IDLE_TARGET_PCT,
    },
    {
      name: `first message after ${p.longSilenceMs / 1000} s of silence, against after ${p.shortSilenceMs / 1000} s`,
      target: 'median within the range after 1 s',
      observed: `${ms(median(wabus.afterLong))} ms against ${ms(Math.min(...wabus.afterShort))} – ${ms(Math.max(...wabus.afterShort))} ms`,
      pass: median(wabus.afterLong) <= Math.max(...wabus.afterShort),
    },
  ];
  if (base) {
    const b = total(base, (s) => s.cpuPct);
    checks.push({
      name: `idle CPU of the ${wabus.services.length} services, wabus / baseline`,
      target: '(< 1)',
      observed: ratio(idleTotal, b),
      pass: idleTotal < b,
    });
  }
  const sideHeads = (t: string) => [`${t} CPU`, `${t} RSS MiB`];
  return {
    tables: [
      {
        caption: `**Idle**: each service of \`wabus dev\` (with its child processes) over ${wabus.idleSeconds.toFixed(0)} s without traffic, after every one answered /readyz, 5 warm-up messages went through and ${p.settleMs / 1000} s more. CPU in % of one core (user + system time from /proc), RSS at the window's end.`,
        columns: ['process', ...sideHeads('wabus'), ...(base ? [...sideHeads('baseline'), 'CPU wabus / baseline'] : [])],
        rows,
      },
      {
        caption: `**The first message after a silence**: one signed text webhook POSTed to ingress, timed until GET /v1/messages/:wamid of message-store answers 200 (polled every 5 ms); ${p.longSamples} after ${p.longSilenceMs / 1000} s of silence (the first after the idle window, ${(p.settleMs + p.idleMs) / 1000} s), then ${p.shortSamples} after ${p.shortSilenceMs / 1000} s each. Stop: SIGTERM to the launcher (as Ctrl-C) until it and every service exited.`,
        columns: [
          'stack',
          `after ${p.longSilenceMs / 1000} s, ms`,
          'median',
          `after ${p.shortSilenceMs / 1000} s, ms`,
          'median',
          'ratio of medians',
          'stop ms',
        ],
        rows: results.map(latencyRow),
      },
    ],
    checks,
    notes: [
      `**What was measured.** \`wabus dev --no-viewer\` of each checkout (tracing off), started by the bench as a developer starts it, against the bench's Kafka and store, its services on free ports, auto-reply and crm-sync talking to stand-ins in the bench process; a checkout with tsx runs every service through \`node --import tsx\` (an esbuild child each, counted with it); one without, on Node's own type stripping. ${base ? `**baseline** is the checkout in \`WABUS_BENCH_BASELINE\` (${baselineDir}), measured first, then **wabus** (this checkout), one after the other on the same broker (the same consumer groups, one stack at a time).` : 'Without `WABUS_BENCH_BASELINE` only this checkout is measured.'} Kafka's CPU is that of the shared broker over the same window (anyone else's traffic included). 1-minute load average as each idle window began: ${results.map((r) => `${r.target} ${r.loadBefore.toFixed(2)}`).join(', ')} (the machine has ${availableParallelism()} cores).`,
      "**Where idle CPU went, and what changed (issue 13).** An idle consumer service cost 3.9 % of a core (message-store alone, 30 s, /proc). kafkajs 2.2.4 re-armed a 1 ms timer forever on every connection that had sent a request (kafkajs #1556): ~1,300 wake-ups a second. Then a 100 ms request-timeout interval per open connection, prom-client's 10 ms event-loop-lag sampler, and a fetch every 250 ms per consumer (two per service: events and redrive), each ~1.8 ms of kafkajs. Now: kafkajs' timers run only while a request waits (one timer at the earliest deadline), the lag sampler samples every 100 ms, and a fetch on a quiet topic waits 3 s (the heartbeat interval); the broker answers it as soon as a record arrives, which the latency table checks.",
    ],
  };
}
