import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createKafka, createTopicsAndWait } from '@wabus/kafka';
import { startGraphApiStandIn } from '@wabus/standins';
import { summarizeLatencies } from '@wabus/simulator';
import { spawnNodeChild, waitForHttp200 } from './lib/node-child.ts';
import { cpuMeter, freePort, readVmMiB } from './lib/proc-stats.ts';
import type { BenchInfra, BenchSection, Check, Table } from './section.ts';

const TOKEN = 'bench-sender-token';

interface Phase {
  name: string;
  /** Business numbers the sends spread over (each has its own throughput limit). */
  numbers: number;
  ratePerSecond: number;
  concurrency: number;
  seconds: number;
}

interface PhaseResult extends Phase {
  sent: number;
  other: number;
  elapsed: number;
  p50: number;
  p99: number;
  cpuPct: number | undefined;
  peakMiB: number | undefined;
  graphCalls: number;
}

/**
 * One phase: a fresh sender process (the production entry point) and database, `concurrency` clients posting text
 * sends (each a new Idempotency-Key, recipients rotating, no recipient pacing) for `seconds`; every send goes through
 * the ledger, the limiter, the Graph stand-in and the sends topic before it is answered.
 */
async function runPhase(p: Phase, o: { root: string; infra: BenchInfra; log: (m: string) => void }): Promise<PhaseResult> {
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const topic = `bench.${runId}.sends`;
  const database = `bench_sender_${runId.replaceAll('-', '_')}`;
  const kafka = createKafka({ brokers: o.infra.kafkaBrokers, clientId: 'wabus-bench-sender' });
  const admin = kafka.admin();
  await admin.connect();
  const mongo = new MongoClient(o.infra.mongoUri);
  await mongo.connect();
  const graph = await startGraphApiStandIn({ accessToken: TOKEN });
  try {
    await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 3 }] });
    const port = await freePort();
    const env = {
      ...process.env,
      HOST: '127.0.0.1',
      SENDER_PORT: String(port),
      KAFKA_BROKERS: o.infra.kafkaBrokers.join(','),
      MONGODB_URI: o.infra.mongoUri,
      WABUS_DATABASE: database,
      WABUS_SENDS_TOPIC: topic,
      WHATSAPP_GRAPH_BASE_URL: graph.url,
      WHATSAPP_ACCESS_TOKEN: TOKEN,
      SENDER_RATE_PER_SECOND: String(p.ratePerSecond),
      SENDER_RECIPIENT_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };
    const child = spawnNodeChild({
      script: join(o.root, 'services', 'sender', 'src', 'main.ts'),
      cwd: o.root,
      env,
      logFile: join(tmpdir(), `wabus-bench-sender-${runId}.log`),
    });
    try {
      await waitForHttp200(`http://127.0.0.1:${port}/readyz`, child, 60_000);
      const url = `http://127.0.0.1:${port}/v1/messages`;
      const latencies: number[] = [];
      let sent = 0;
      let other = 0;
      let n = 0;
      const post = async (i: number) => {
        const body = { phoneNumberId: String(100000 + (i % p.numbers)), to: String(5511900000000 + (i % 1000)), type: 'text', text: { body: `bench ${i}` } };
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `${runId}-${i}` },
          body: JSON.stringify(body),
        });
        const view = (await res.json()) as { state?: string };
        latencies.push(performance.now() - t0);
        if (res.status === 201 && view.state === 'sent') sent++;
        else other++;
      };
      // A short warm-up, not counted.
      await Promise.all(Array.from({ length: p.concurrency }, () => post(n++)));
      [sent, other, latencies.length] = [0, 0, 0];
      const callsBefore = graph.requests.length;
      const cpu = cpuMeter(child.pid);
      const started = performance.now();
      const until = started + p.seconds * 1000;
      await Promise.all(
        Array.from({ length: p.concurrency }, async () => {
          while (performance.now() < until) await post(n++);
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const lat = summarizeLatencies(latencies);
      const result = {
        ...p,
        sent,
        other,
        elapsed,
        p50: lat.p50,
        p99: lat.p99,
        cpuPct: cpu(),
        peakMiB: readVmMiB(child.pid, 'VmHWM'),
        graphCalls: graph.requests.length - callsBefore,
      };
      o.log(`sender: ${p.name}: ${sent} sent in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)}/s), p99 ${lat.p99.toFixed(0)} ms`);
      return result;
    } finally {
      await child.stop();
    }
  } finally {
    await graph.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await mongo
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  }
}

const f1 = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

/** The send API (issue 16): sends per second through the API to the Graph stand-in, and the per-number limit holding. */
export const senderBench: BenchSection = {
  name: 'sender',
  title: 'sender: sends per second through POST /v1/messages to the Graph stand-in',
  async run(ctx) {
    const infra = await ctx.infra();
    const seconds = ctx.quick ? 3 : 10;
    const phases: Phase[] = [
      { name: 'one number at Meta’s default 80/s', numbers: 1, ratePerSecond: 80, concurrency: 32, seconds },
      { name: '20 numbers, limit out of the way', numbers: 20, ratePerSecond: 10_000, concurrency: 32, seconds },
    ];
    const loadBefore = loadavg()[0] ?? 0;
    const results: PhaseResult[] = [];
    for (const p of phases) {
      ctx.log(`sender: ${p.name}`);
      results.push(await runPhase(p, { root: ctx.root, infra, log: ctx.log }));
    }
    const table: Table = {
      caption:
        '**Per phase**: a fresh sender process, 32 clients in a closed loop, each request a new Idempotency-Key (a text to one of 1,000 recipients, recipient pacing off), answered once the Graph stand-in answered and the send is recorded and on the sends topic.',
      columns: ['phase', 'sends/s', 'sent', 'not sent', 'Graph calls', 'p50 ms', 'p99 ms', 'sender CPU', 'VmHWM MiB'],
      rows: results.map((r) => [
        r.name,
        f1(r.sent / r.elapsed),
        String(r.sent),
        String(r.other),
        String(r.graphCalls),
        f1(r.p50),
        f1(r.p99),
        r.cpuPct === undefined ? 'n/a' : `${r.cpuPct.toFixed(0)} %`,
        r.peakMiB === undefined ? 'n/a' : r.peakMiB.toFixed(0),
      ]),
    };
    const limited = results[0]!;
    const free = results[1]!;
    const checks: Check[] = [
      {
        name: 'the per-number limit holds',
        target: 'one number: at most 80 sends/s (+5 %), and close to it (> 70/s)',
        observed: `${f1(limited.sent / limited.elapsed)}/s`,
        pass: limited.sent / limited.elapsed <= 84 && limited.sent / limited.elapsed > 70,
      },
      {
        name: 'one Graph call per send',
        target: 'Graph calls = sends answered',
        observed: `${free.graphCalls} calls, ${free.sent + free.other} answers`,
        pass: free.graphCalls === free.sent + free.other,
      },
    ];
    const notes = [
      `Load average before: ${loadBefore.toFixed(1)} (the machine is shared; compare rows, not runs).`,
      'With the limit out of the way the sender itself is not the bound when its CPU stays well under one core: each send waits on the store and the broker, shared with the machine’s other load (2 cores).',
      'Each send costs the sender an insert, a claim and an outcome write (three round trips to the store), the Graph call, the produce to the sends topic and the `published` mark: the answer waits for all of them.',
    ];
    return { tables: [table], checks, notes };
  },
};
