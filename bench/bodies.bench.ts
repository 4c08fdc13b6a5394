import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTopics, createKafka, loadTopicDefinitions } from '@wabus/kafka';
import { signBody, summarizeLatencies, type LatencySummary } from '@wabus/simulator';
import { largeWebhookBody, readScrape, type LargeBodyKind } from '@wabus/testing';
import { waitForHttp200 } from './lib/node-child.ts';
import { cpuMeter, freePort, readVmMiB } from './lib/proc-stats.ts';
import { ingressTarget } from './ingress/targets.ts';
import type { BenchSection, Check, Table } from './section.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
/** ingress' default INGRESS_BODY_LIMIT: the largest body Meta may send (3 MB) fits under it. */
const BODY_LIMIT = 3 * MiB;

interface Phase {
  kind: LargeBodyKind;
  bytes: number;
  connections: number;
}

/** Sizes up, so each phase's VmHWM is the peak of that size (or of a smaller one before it). */
const PHASES: Phase[] = [
  ...[KiB, 16 * KiB, 256 * KiB, MiB, 2 * MiB, BODY_LIMIT - KiB].map((bytes) => ({ kind: 'history' as const, bytes, connections: 8 })),
  ...[16 * KiB, 256 * KiB, MiB].map((bytes) => ({ kind: 'statuses' as const, bytes, connections: 8 })),
  // Four times the connections at the limit: what bounds memory when bodies arrive faster than Kafka takes them.
  { kind: 'history', bytes: BODY_LIMIT - KiB, connections: 32 },
];

interface PhaseResult extends Phase {
  bodyBytes: number;
  events: number;
  answered: number;
  byStatus: Record<string, number>;
  errors: number;
  seconds: number;
  latency: LatencySummary;
  cpuPct: number | undefined;
  rssMiB: number | undefined;
  hwmMiB: number | undefined;
}

/** Posts distinct signed bodies of one phase over `connections` concurrent keep-alive requests for `ms`. */
async function runPhase(url: string, secret: string, pid: number, phase: Phase, ms: number): Promise<PhaseResult> {
  const pool = Array.from({ length: Math.min(16, Math.max(4, Math.floor((48 * MiB) / phase.bytes))) }, (_, i) => {
    const body = largeWebhookBody({ kind: phase.kind, bytes: phase.bytes, prefix: `${phase.kind}${phase.bytes}.${phase.connections}.${i}` });
    return { body, signature: signBody(body, secret) };
  });
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const cpu = cpuMeter(pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: phase.connections }, async () => {
      while (performance.now() - started < ms) {
        const { body, signature } = pool[next++ % pool.length]!;
        const t0 = performance.now();
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
          await res.arrayBuffer();
          byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const first = pool[0]!.body;
  const events = phase.kind === 'history' ? 1 : (first.toString('latin1').match(/"status":"delivered"/g)?.length ?? 0);
  return {
    ...phase,
    bodyBytes: first.length,
    events,
    answered: latencies.length,
    byStatus,
    errors,
    seconds,
    latency: summarizeLatencies(latencies),
    cpuPct: cpu(),
    rssMiB: readVmMiB(pid, 'VmRSS'),
    hwmMiB: readVmMiB(pid, 'VmHWM'),
  };
}

const size = (b: number) => (b >= MiB ? `${(b / MiB).toFixed(b % MiB === 0 ? 0 : 2)} MiB` : `${(b / KiB).toFixed(0)} KiB`);
const f0 = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));
const f1 = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

/**
 * Bodies from 1 KiB to the body limit through the real ingress at concurrency (issue 14): history syncs (one event
 * holding the body) and batched statuses (an event per status), eight connections each, then 32 at the limit. Per
 * size: throughput, latency, CPU, and ingress' RSS: what memory a large body costs, and that it stays bounded.
 */
export const bodiesBench: BenchSection = {
  name: 'bodies',
  title: 'Ingress: bodies from 1 KiB to the body limit',
  async run(ctx) {
    const phaseMs = ctx.quick ? 3_000 : 8_000;
    const infra = await ctx.infra();
    const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const defs = await loadTopicDefinitions(join(ctx.root, 'infra', 'topics.json'), { consumers: [] });
    const topics = { raw: `bench.${runId}.bodies.raw`, events: `bench.${runId}.bodies.events` };
    const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench-bodies' });
    const admin = kafka.admin();
    await admin.connect();
    const dir = await mkdtemp(join(tmpdir(), 'wabus-bench-bodies-'));
    let ok = false;
    try {
      await applyTopics(
        admin,
        (['raw', 'events'] as const).map((k) => {
          const prod = defs.find((d) => d.name === (k === 'raw' ? 'whatsapp.webhooks.raw.v1' : 'whatsapp.events.v1'))!;
          return { ...prod, name: topics[k], replicationFactor: 1 };
        }),
      );
      const secret = randomBytes(16).toString('hex');
      const port = await freePort();
      const child = ingressTarget('wabus', 1, 'the real ingress').start({
        root: ctx.root,
        port,
        secret,
        kafkaBrokers: infra.kafkaBrokers,
        topics,
        logFile: join(dir, 'ingress.log'),
      });
      const results: PhaseResult[] = [];
      let idleMiB: number | undefined;
      let metrics = '';
      const loadBefore = loadavg()[0] ?? 0;
      try {
        await waitForHttp200(`http://127.0.0.1:${port}/readyz`, child, 60_000);
        idleMiB = readVmMiB(child.pid, 'VmRSS');
        for (const phase of PHASES) {
          ctx.log(`bodies: ${phase.kind} ${size(phase.bytes)}, ${phase.connections} connections, ${phaseMs} ms`);
          const r = await runPhase(`http://127.0.0.1:${port}/webhook`, secret, child.pid, phase, phaseMs);
          ctx.log(
            `bodies: ${r.answered} answered ${JSON.stringify(r.byStatus)}, p99 ${f1(r.latency.p99)} ms, RSS ${f0(r.rssMiB)} MiB, peak ${f0(r.hwmMiB)} MiB`,
          );
          results.push(r);
        }
        metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } finally {
        await child.stop();
      }
      ok = true;
      return bodiesReport(results, { idleMiB, metrics, phaseMs, loadBefore, topicConfig: defs.find((d) => d.name === 'whatsapp.events.v1')!.config });
    } finally {
      await admin
        .deleteTopics({ topics: [topics.raw, topics.events], timeout: 15_000 })
        .catch((err: Error) => ctx.log(`could not delete bench topics: ${err.message}`));
      await admin.disconnect();
      if (ok) await rm(dir, { recursive: true, force: true });
      else ctx.log(`ingress log kept in ${dir}`);
    }
  },
};

function bodiesReport(
  results: PhaseResult[],
  o: { idleMiB: number | undefined; metrics: string; phaseMs: number; loadBefore: number; topicConfig: Record<string, string> },
): { tables: Table[]; checks: Check[]; notes: string[] } {
  const table: Table = {
    caption: `**Per size**: closed loop, each connection posting its next body as soon as the last was answered, ${o.phaseMs / 1000} s a row, rows in this order.`,
    columns: ['body', 'events / body', 'connections', 'bodies/s', 'MiB/s in', 'p50 ms', 'p99 ms', 'max ms', 'answers', 'ingress CPU', 'RSS / peak MiB'],
    rows: results.map((r) => {
      const rps = r.answered / r.seconds;
      return [
        `${r.kind} ${size(r.bodyBytes)}`,
        r.events.toLocaleString('en-US'),
        String(r.connections),
        f1(rps),
        f1((rps * r.bodyBytes) / MiB),
        f1(r.latency.p50),
        f1(r.latency.p99),
        f1(r.latency.max),
        Object.entries(r.byStatus)
          .map(([s, n]) => `${n} × ${s}`)
          .join(', ') + (r.errors > 0 ? `, ${r.errors} without answer` : ''),
        r.cpuPct === undefined ? 'n/a' : `${r.cpuPct.toFixed(0)} %`,
        `${f0(r.rssMiB)} / ${f0(r.hwmMiB)}`,
      ];
    }),
  };
  const at8 = results.filter((r) => r.connections === 8);
  const failed8 = at8.reduce((n, r) => n + r.answered - (r.byStatus['200'] ?? 0) + r.errors, 0);
  const peak8 = Math.max(...at8.map((r) => r.hwmMiB ?? Infinity));
  const at32 = results.filter((r) => r.connections === 32);
  const peak32 = Math.max(...at32.map((r) => r.hwmMiB ?? Infinity));
  const scrape = readScrape(o.metrics);
  const refused = scrape.value('wabus_ingress_produce_refused_total');
  const quarantined = scrape.value('wabus_ingress_quarantined_total');
  const checks: Check[] = [
    {
      name: 'bodies from 1 KiB to the limit, 8 connections',
      target: 'every one 200',
      observed: failed8 === 0 ? 'all 200' : `${failed8} not 200`,
      pass: failed8 === 0,
    },
    {
      name: 'refused or quarantined by size (whole run)',
      target: '0',
      observed: `${refused} refused, ${quarantined} quarantined`,
      pass: refused === 0 && quarantined === 0,
    },
    // ~100 MiB idle + per body in flight its buffer, its events, and the produce request built from them (~4 × 3 MiB)
    // × 8, + at most INGRESS_PRODUCE_QUEUE_BYTES (64 MiB) waiting: ~260 MiB; the target leaves room for the GC's lag.
    { name: 'ingress peak RSS, 8 connections up to the limit', target: '≤ 384 MiB', observed: `${f0(peak8)} MiB`, pass: peak8 <= 384 },
    { name: 'ingress peak RSS, 32 connections at the limit', target: '(informative)', observed: `${f0(peak32)} MiB`, pass: true },
  ];
  const notes = [
    `**How it was measured.** The real ingress (\`services/ingress/src/main.ts\`, its defaults: INGRESS_BODY_LIMIT 3 MiB, INGRESS_ACK_TIMEOUT_MS 5,000, INGRESS_PRODUCE_QUEUE_BYTES 64 MiB, LOG_LEVEL=info to a file) on its own raw and events topics with infra/topics.json's configs (12 partitions, max.message.bytes ${o.topicConfig['max.message.bytes']}), Kafka (one broker, the test profile's settings) and the load (the bench process: \`fetch\`, keep-alive) on the same machine. Bodies from @wabus/testing's \`largeWebhookBody\`: a history-sync chunk is one \`change\` event holding the whole value (its event record as large as the body); a statuses body is an event per status (~230 bytes each, recipients over 50 conversations). Each row posts distinct signed bodies in turn (up to 16 per size). RSS is VmRSS after the row, peak is VmHWM so far (/proc/<pid>/status): sizes go up, so a row's peak is that size's. Idle RSS after start: ${f0(o.idleMiB)} MiB. 1-minute load average before: ${o.loadBefore.toFixed(2)}.`,
    `**What bounds memory.** A body is read whole (≤ INGRESS_BODY_LIMIT), exploded (events are slices of it), encoded, and appended to the produce queue, which refuses appends with 503 + Retry-After beyond INGRESS_PRODUCE_QUEUE_BYTES (one body is always taken); no send holds more than the topics take (4 MiB), so a 3 MiB body goes as two or more sends. The 32-connection row shows what arrives faster than Kafka takes: its 503s are bodies turned away by that bound, or behind it by the 5 s Kafka deadline (Meta retries both), not bodies refused.`,
  ];
  return { tables: [table], checks, notes };
}
