import { abuse, ABUSE_KINDS } from '@wabus/testing';
import { fixedRateRow } from './ingress/ingress-report.ts';
import { withIngressRig } from './ingress/run-targets.ts';
import { ingressTarget } from './ingress/targets.ts';
import { waitForHttp200 } from './lib/node-child.ts';
import { freePort } from './lib/proc-stats.ts';
import type { BenchSection } from './section.ts';

interface Phases {
  warmupMs: number;
  rateMs: number;
  rate: number;
  maxInFlight: number;
  abusers: number;
}
const FULL: Phases = { warmupMs: 3_000, rateMs: 15_000, rate: 1_000, maxInFlight: 1_000, abusers: 1_000 };
const QUICK: Phases = { ...FULL, warmupMs: 1_000, rateMs: 4_000 };

/**
 * Keeps `n` abusive clients connected to `port` (docs/fuzz.md: slowloris on headers and body, idle, idle keep-alive,
 * Expect without its body, never reading), each replaced when the server cuts it, until `stop()`. Non-readers pipeline
 * 8 requests: they hold a socket, they do not flood (a flood is a load test of its own).
 */
function holdAbusers(port: number, n: number) {
  const abort = new AbortController();
  let opened = 0;
  let cut = 0;
  const running = new Set<Promise<unknown>>();
  const open = (i: number) => {
    opened++;
    const p = abuse(ABUSE_KINDS[i % ABUSE_KINDS.length]!, port, {
      dribbleMs: 1_000,
      giveUpMs: 600_000,
      pipelined: 8,
      serverClosed: () => false,
      signal: abort.signal,
    }).then((r) => {
      running.delete(p);
      if (r.closedByServer) cut++;
      if (!abort.signal.aborted) open(i + n);
    });
    running.add(p);
  };
  for (let i = 0; i < n; i++) open(i);
  return {
    async stop() {
      abort.abort();
      await Promise.all([...running]);
      return { opened, cut };
    },
  };
}

const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Well-behaved webhooks at a fixed rate with the production server options, alone and then beside 1,000 slow and
 * abusive clients held open the whole phase: what they cost the others' latency (the slow-client test asserts only
 * that the others succeed, and that every abuser is cut in time).
 */
export const slowClientsBench: BenchSection = {
  name: 'slow-clients',
  title: 'Ingress beside slow and abusive clients',
  async run(ctx) {
    const phases = ctx.quick ? QUICK : FULL;
    const target = ingressTarget('wabus', 1, 'the real ingress, production timeouts (15 s request, 72 s keep-alive, 1 s check interval)');
    const { value } = await withIngressRig(ctx, { targets: [target], profiled: 'wabus' }, async (rig) => {
      const port = await freePort();
      const child = target.start({ ...rig.envOf(target), port });
      try {
        const url = `http://127.0.0.1:${port}/webhook`;
        await waitForHttp200(`http://127.0.0.1:${port}/readyz`, child, 30_000);
        const job = { url, rate: phases.rate, durationMs: phases.rateMs, maxInFlight: phases.maxInFlight };
        await rig.loadgen.saturate({ url, connections: 16, durationMs: phases.warmupMs });
        ctx.log(`slow-clients: ${phases.rate} req/s alone, ${phases.rateMs} ms`);
        const alone = await rig.loadgen.rate(job);
        ctx.log(`slow-clients: ${phases.abusers} abusive clients connecting`);
        const abusers = holdAbusers(port, phases.abusers);
        await new Promise((r) => setTimeout(r, 1_000));
        ctx.log(`slow-clients: ${phases.rate} req/s beside them, ${phases.rateMs} ms`);
        const beside = await rig.loadgen.rate(job);
        const held = await abusers.stop();
        return { alone, beside, held };
      } finally {
        await child.stop(5_000);
      }
    });
    const { alone, beside, held } = value;
    return {
      tables: [
        {
          columns: ['well-behaved webhooks', 'answered req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'skipped'],
          rows: [fixedRateRow('alone', alone), fixedRateRow(`beside ${int(phases.abusers)} abusive clients`, beside)],
        },
      ],
      checks: [
        {
          name: `p99 at ${int(phases.rate)} req/s beside ${int(phases.abusers)} abusive clients`,
          target: '< 50 ms, every answer 2xx',
          observed: `${ms(beside.latency.p99)} ms (alone ${ms(alone.latency.p99)} ms), ${int(beside.non2xx + beside.errors)} not 2xx`,
          pass: beside.latency.p99 < 50 && beside.non2xx + beside.errors + beside.skipped === 0,
        },
      ],
      notes: [
        `Open loop at ${int(phases.rate)} req/s for ${phases.rateMs / 1000} s, alone, then with ${int(phases.abusers)} abusive connections held open ` +
          `the whole phase (a sixth each: slowloris on headers, on the body, idle, idle keep-alive, Expect without its body, never reading; ` +
          `one byte a second for the dribblers, each replaced as soon as the server cuts it): ${int(held.opened)} opened, ${int(held.cut)} cut by the server.`,
      ],
    };
  },
};
