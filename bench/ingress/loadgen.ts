/**
 * The load generator, in a process of its own so it never shares an event loop with a server under test.
 * Pre-generates a pool of signed bodies, says `ready`, then runs the jobs the parent sends over IPC, one at a time.
 * Env: BENCH_SECRET, BENCH_POOL_SIZE, BENCH_SEED.
 */
import autocannon from 'autocannon';
import { runSimulation, summarizeLatencies } from '@wabus/simulator';
import { createBodyPool } from './body-pool.ts';
import type { LoadJob, LoadResult, LoadgenMessage, RateJob, SaturateJob } from './loadgen-protocol.ts';

const secret = process.env['BENCH_SECRET'] ?? '';
const poolSize = Number(process.env['BENCH_POOL_SIZE'] ?? 10_000);
const seed = process.env['BENCH_SEED'] ?? 'bench';

const send = (msg: LoadgenMessage) => process.send?.(msg);

const poolStarted = performance.now();
const pool = createBodyPool({ size: poolSize, secret, seed });
let next = 0;

function cpuPct(before: NodeJS.CpuUsage, ms: number): number {
  const used = process.cpuUsage(before);
  return ms > 0 ? ((used.user + used.system) / 1000 / ms) * 100 : 0;
}

/** autocannon's per-connection client, with the (untyped) internals the closed loop relies on; checked at run time. */
type CannonClient = autocannon.Client & { responseMax?: number; reqsMade?: number; getRequestBuffer?: () => Buffer };

/** The pool as complete HTTP/1.1 requests for `url`, built once per job. */
function requestBuffers(url: string): Buffer[] {
  const { host, pathname } = new URL(url);
  return pool.map((b) => {
    const head =
      `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\ncontent-type: application/json\r\n` +
      `user-agent: facebookexternalua\r\nx-hub-signature-256: ${b.signature}\r\nContent-Length: ${b.body.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), b.body]);
  });
}

/**
 * autocannon, closed loop. Two changes to its defaults, both through its client internals:
 * - Every connection takes its next request from one shared pool of prebuilt requests (distinct signed bodies).
 *   autocannon's own per-request `setupRequest` rebuilds each request from parts and costs the generator a third
 *   more CPU; on 2 cores that lowered the bare ceiling from ~41k to ~30k req/s.
 * - At the end of the phase each connection finishes the request in flight and then closes (its cap is lowered
 *   to what it has sent). autocannon's own stop closes sockets with requests in flight, which the server still
 *   answers 200 and stores, so the run could not be reconciled with the topic.
 */
function saturate(job: SaturateJob): Promise<LoadResult> {
  const buffers = requestBuffers(job.url);
  const latencies: number[] = [];
  const clients = new Set<CannonClient>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let lastAnswer = started;
  return new Promise((resolve, reject) => {
    const drain = setTimeout(() => {
      for (const c of clients) c.responseMax = Math.max(1, c.reqsMade ?? 0);
    }, job.durationMs);
    const instance = autocannon(
      {
        url: job.url,
        method: 'POST',
        connections: job.connections,
        pipelining: 1,
        // A cap per connection makes autocannon end once every connection has closed itself (see drain);
        // the duration is only a safety net.
        maxConnectionRequests: Number.MAX_SAFE_INTEGER,
        duration: job.durationMs / 1000 + 30,
        timeout: 10,
        setupClient: (client: CannonClient) => {
          if (typeof client.getRequestBuffer !== 'function' || client.responseMax === undefined || client.reqsMade === undefined) {
            throw new Error('this autocannon version changed the client internals the bench relies on');
          }
          client.getRequestBuffer = () => buffers[next++ % buffers.length]!;
          clients.add(client);
          client.on('response', (_status: number, _bytes: number, responseTime: number) => {
            latencies.push(responseTime);
            lastAnswer = performance.now();
          });
        },
      },
      (err: unknown, result: autocannon.Result) => {
        clearTimeout(drain);
        if (err) return reject(err as Error);
        const ms = lastAnswer - started;
        const answered = latencies.length;
        const sent = (result.requests as { sent?: number }).sent ?? answered;
        resolve({
          answered,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          skipped: 0,
          abandoned: Math.max(0, sent - answered - result.errors),
          durationMs: ms,
          rps: (answered * 1000) / ms,
          latency: summarizeLatencies(latencies),
          loadgenCpuPct: cpuPct(cpu, performance.now() - started),
        });
      },
    );
    instance.on('error', reject);
  });
}

/** The simulator's open-loop pacer: sends are due by the clock, so a slow server cannot slow the offered load. */
async function rate(job: RateJob): Promise<LoadResult> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const r = await runSimulation({
    url: job.url,
    secret,
    rate: job.rate,
    durationMs: job.durationMs,
    concurrency: job.maxInFlight,
    kinds: ['text'],
    batch: 1,
    seed: `${seed}:rate:${job.id}`,
  });
  const ms = performance.now() - started;
  const answered = Object.values(r.byStatus).reduce((a, b) => a + b, 0);
  return {
    answered,
    ok2xx: r.accepted,
    non2xx: answered - r.accepted,
    errors: r.errors,
    skipped: r.skipped,
    abandoned: 0,
    durationMs: r.durationMs,
    rps: (answered * 1000) / r.durationMs,
    latency: r.latencyMs,
    loadgenCpuPct: cpuPct(cpu, ms),
  };
}

process.on('message', (job: LoadJob) => {
  const run = job.type === 'saturate' ? saturate(job) : rate(job);
  run.then(
    (result) => send({ type: 'result', id: job.id, result }),
    (err: unknown) => send({ type: 'failed', id: job.id, message: (err as Error)?.stack ?? String(err) }),
  );
});
// The parent closing the channel (or dying) ends us.
process.on('disconnect', () => process.exit(0));

send({
  type: 'ready',
  poolSize: pool.length,
  bodyBytes: Math.round(pool.reduce((a, b) => a + b.body.length, 0) / Math.max(1, pool.length)),
  poolMs: performance.now() - poolStarted,
});
