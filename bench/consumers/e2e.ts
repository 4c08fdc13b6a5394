import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHttpPoster, runSimulation, summarizeLatencies, type LatencySummary, type Poster, type SimulationReport } from '@wabus/simulator';

export type Visible = 'message-store' | 'status-tracker';

export interface ProbeSummary {
  /** Sampled items whose document was looked for. */
  sampled: number;
  /** POST start → first GET that answered 200, ms, over the sampled items that became visible. */
  latency: LatencySummary;
  /** Sampled items still not visible after the probe's bound. */
  notVisible: number;
  /** GETs sent while polling (200s included) and GETs that got no HTTP answer. */
  gets: number;
  getErrors: number;
}

export interface E2EResult {
  post: SimulationReport;
  probes: Record<Visible, ProbeSummary>;
  /** Items posted, by what they are (every body holds one item). */
  items: { messages: number; statuses: number; newStatuses: number; other: number };
  /** From the first sampled POST to the last probe settled. */
  ms: number;
  /** Per second of the run (by POST start): POSTs, their p99 and the p99 of the samples that became visible. */
  timeline: { second: number; posts: number; postP99: number; visibleP99: Record<Visible, number> }[];
  /** Event-loop delay of the load generator (this process) during the run, ms: its own stalls inflate every latency above. */
  loopDelay: { p99: number; max: number };
}

interface Change {
  value?: { messages?: { id?: unknown }[]; message_echoes?: { id?: unknown }[]; statuses?: { id?: unknown }[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET `path` on a keep-alive agent; the status code, or 0 when there was no HTTP answer. */
function getStatus(agent: http.Agent, base: URL, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ hostname: base.hostname, port: base.port, path, method: 'GET', agent, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * End-to-end latency: the simulator's runSimulation posts single-item bodies to ingress open-loop at `rate`
 * bodies/s; every `sampleEvery`-th message (messages[] and message_echoes[]) and every `sampleEvery`-th status about
 * a wamid not seen before in the run (a later status of a known wamid finds its document already there) is followed:
 * once its POST answered 200, its document is polled every `pollMs` through the service's GET endpoint until it
 * answers 200 (at most `probeTimeoutMs` after the POST started). Latency = POST start → that 200 (client clock).
 */
export async function runE2E(opts: {
  ingressUrl: string;
  secret: string;
  rate: number;
  durationMs: number;
  seed: string;
  bases: Record<Visible, string>;
  sampleEvery: number;
  pollMs: number;
  probeTimeoutMs: number;
  /** Off for a warm-up: posts only, nothing sampled. */
  sample: boolean;
}): Promise<E2EResult> {
  // Open-loop sends are skipped (and counted) only beyond this many in flight, as in the ingress section.
  const concurrency = 1_000;
  const inner = createHttpPoster({ url: opts.ingressUrl, maxSockets: concurrency, timeoutMs: 10_000 });
  const agents: Record<Visible, http.Agent> = {
    'message-store': new http.Agent({ keepAlive: true, maxSockets: 128 }),
    'status-tracker': new http.Agent({ keepAlive: true, maxSockets: 128 }),
  };
  const paths: Record<Visible, (id: string) => string> = {
    'message-store': (id) => `/v1/messages/${encodeURIComponent(id)}`,
    'status-tracker': (id) => `/v1/statuses/${encodeURIComponent(id)}`,
  };
  const samples: Record<Visible, number[]> = { 'message-store': [], 'status-tracker': [] };
  const tally: Record<Visible, { sampled: number; notVisible: number; gets: number; getErrors: number }> = {
    'message-store': { sampled: 0, notVisible: 0, gets: 0, getErrors: 0 },
    'status-tracker': { sampled: 0, notVisible: 0, gets: 0, getErrors: 0 },
  };
  const items = { messages: 0, statuses: 0, newStatuses: 0, other: 0 };
  const statusIds = new Set<string>();
  const probes = new Set<Promise<void>>();
  let firstSample: number | undefined;
  const t0 = performance.now();
  const posts: { at: number; ms: number }[] = [];
  const visible: Record<Visible, { at: number; ms: number }[]> = { 'message-store': [], 'status-tracker': [] };

  const probe = async (service: Visible, id: string, started: number) => {
    const base = new URL(opts.bases[service]);
    const t = tally[service];
    for (;;) {
      const code = await getStatus(agents[service], base, paths[service](id));
      const now = performance.now();
      t.gets++;
      if (code === 0) t.getErrors++;
      if (code === 200) {
        samples[service].push(now - started);
        visible[service].push({ at: started - t0, ms: now - started });
        return;
      }
      if (now - started >= opts.probeTimeoutMs) {
        t.notVisible++;
        return;
      }
      await sleep(opts.pollMs);
    }
  };

  /** The items of a body to follow (the body's bytes are the simulator's; parsing them here costs the load generator only). */
  const picks = (body: Buffer): { service: Visible; id: string }[] => {
    const out: { service: Visible; id: string }[] = [];
    const doc = JSON.parse(body.toString('utf8')) as { entry?: { changes?: Change[] }[] };
    for (const entry of doc.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const v = change.value;
        const messages = [...(v?.messages ?? []), ...(v?.message_echoes ?? [])];
        const statuses = v?.statuses ?? [];
        if (messages.length === 0 && statuses.length === 0) items.other++;
        for (const m of messages) {
          items.messages++;
          if (typeof m.id === 'string' && items.messages % opts.sampleEvery === 0) out.push({ service: 'message-store', id: m.id });
        }
        for (const s of statuses) {
          items.statuses++;
          if (typeof s.id !== 'string' || statusIds.has(s.id)) continue;
          statusIds.add(s.id);
          items.newStatuses++;
          if (items.newStatuses % opts.sampleEvery === 0) out.push({ service: 'status-tracker', id: s.id });
        }
      }
    }
    return opts.sample ? out : [];
  };

  const poster: Poster = {
    post(body, signature) {
      const started = performance.now();
      const follow = picks(body);
      return inner.post(body, signature).then((result) => {
        posts.push({ at: started - t0, ms: result.latencyMs });
        if (result.ok && result.status === 200) {
          for (const { service, id } of follow) {
            firstSample ??= started;
            tally[service].sampled++;
            const p = probe(service, id, started).finally(() => probes.delete(p));
            probes.add(p);
          }
        }
        return result;
      });
    },
    close: () => inner.close(),
  };

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  try {
    const post = await runSimulation({
      url: opts.ingressUrl,
      secret: opts.secret,
      rate: opts.rate,
      durationMs: opts.durationMs,
      batch: 1,
      concurrency,
      seed: opts.seed,
      poster,
    });
    // Every probe is bounded by probeTimeoutMs from its POST.
    await Promise.all([...probes]);
    loop.disable();
    const summary = (s: Visible): ProbeSummary => ({ ...tally[s], latency: summarizeLatencies(samples[s]) });
    const seconds = Math.ceil(opts.durationMs / 1000);
    const inSecond = (xs: { at: number; ms: number }[], i: number) => xs.filter((x) => x.at >= i * 1000 && x.at < (i + 1) * 1000).map((x) => x.ms);
    const timeline = Array.from({ length: seconds }, (_, i) => {
      const p = inSecond(posts, i);
      return {
        second: i,
        posts: p.length,
        postP99: summarizeLatencies(p).p99,
        visibleP99: {
          'message-store': summarizeLatencies(inSecond(visible['message-store'], i)).p99,
          'status-tracker': summarizeLatencies(inSecond(visible['status-tracker'], i)).p99,
        },
      };
    });
    return {
      post,
      probes: { 'message-store': summary('message-store'), 'status-tracker': summary('status-tracker') },
      items,
      ms: firstSample === undefined ? 0 : performance.now() - firstSample,
      timeline,
      loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    };
  } finally {
    loop.disable();
    poster.close();
    for (const a of Object.values(agents)) a.destroy();
  }
}
