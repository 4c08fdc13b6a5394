import { loadavg } from 'node:os';
import { createBodyGenerator, signBody } from '@wabus/simulator';
import type { ServiceFacts } from '@wabus/service/registry';
import { cpuMeter, processTree, sumVmMiB, treeCpuMeter } from '../lib/proc-stats.ts';
import { startDevStack } from './dev-stack.ts';

export interface IdlePhases {
  /** After every service answered /readyz, before the idle window. */
  settleMs: number;
  /** The idle window: CPU and RSS are measured over it; it is also the first long silence. */
  idleMs: number;
  /** Silence before each "long" sample; the first is the idle window itself (plus the settling). */
  longSilenceMs: number;
  longSamples: number;
  shortSilenceMs: number;
  shortSamples: number;
}

export interface IdleResult {
  target: string;
  services: { name: string; cpuPct: number; rssMiB: number }[];
  launcher: { cpuPct: number; rssMiB: number };
  kafkaCpuPct: number | undefined;
  idleSeconds: number;
  /** The machine's 1-minute load average as the idle window began (others' work included). */
  loadBefore: number;
  /** POST → GET /v1/messages/:wamid 200, ms, after each silence. */
  afterLong: number[];
  afterShort: number[];
  /** SIGTERM to the launcher → the launcher and every service exited, ms. */
  stopMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The dev stack's app secret (wabus dev's default). */
const DEV_SECRET = 'wabus-dev-app-secret';
const WARM_UP_MESSAGES = 5;

/** One text message through the stack: POST → the first GET of its wamid in message-store that answers 200, ms. */
async function firstMessageMs(next: () => Buffer, ingressPort: number, storePort: number): Promise<number> {
  const body = next();
  const doc = JSON.parse(body.toString('utf8')) as { entry: { changes: { value: { messages: { id: string }[] } }[] }[] };
  const wamid = doc.entry[0]!.changes[0]!.value.messages[0]!.id;
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${ingressPort}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, DEV_SECRET) },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`ingress answered ${res.status}`);
  for (;;) {
    const got = await fetch(`http://127.0.0.1:${storePort}/v1/messages/${encodeURIComponent(wamid)}`).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );
    const ms = performance.now() - t0;
    if (got === 200) return ms;
    if (ms > 15_000) throw new Error(`${wamid} not in message-store 15 s after its POST`);
    await sleep(5);
  }
}

/**
 * One dev stack (`wabus dev` of the checkout in `root`) from start to stop: idle CPU (% of one core, from /proc: user +
 * system time over the window) and RSS of each service with its child processes, then the end-to-end latency of a
 * single message after long and short silences, then how long a graceful stop takes.
 */
export async function measureIdleStack(o: {
  target: string;
  root: string;
  registry: ServiceFacts[];
  kafkaBrokers: string[];
  mongoUri: string;
  kafkaPid: number | undefined;
  graphUrl: string;
  crmUrl: string;
  logFile: string;
  phases: IdlePhases;
  log: (m: string) => void;
}): Promise<IdleResult> {
  const p = o.phases;
  const stack = await startDevStack({ ...o, timeoutMs: 180_000 });
  try {
    const gen = createBodyGenerator({ seed: `idle-${o.target}`, kinds: ['text'], batch: 1 });
    const next = () => gen.next().body;
    const ingress = stack.services.find((s) => s.name === 'ingress')!.port;
    const store = stack.services.find((s) => s.name === 'message-store')!.port;
    // Warm-up: the first messages after a start pay for loading and compiling code paths, not for any silence.
    for (let i = 0; i < WARM_UP_MESSAGES; i++) await firstMessageMs(next, ingress, store);
    o.log(`${o.target}: ready and warmed up; settling ${p.settleMs} ms, then ${p.idleMs} ms idle`);
    await sleep(p.settleMs);
    const meters = stack.services.map((s) => ({ s, read: treeCpuMeter(s.pid) }));
    const launcher = cpuMeter(stack.dev.pid);
    const kafka = cpuMeter(o.kafkaPid);
    const loadBefore = loadavg()[0] ?? 0;
    const t0 = performance.now();
    await sleep(p.idleMs);
    const services = meters.map(({ s, read }) => ({
      name: s.name,
      cpuPct: read().pct ?? Number.NaN,
      rssMiB: sumVmMiB(processTree(s.pid), 'VmRSS') ?? Number.NaN,
    }));
    const idleSeconds = (performance.now() - t0) / 1000;
    const launcherRes = { cpuPct: launcher() ?? Number.NaN, rssMiB: sumVmMiB([stack.dev.pid!], 'VmRSS') ?? Number.NaN };
    const kafkaCpuPct = kafka();

    const afterLong: number[] = [];
    for (let i = 0; i < p.longSamples; i++) {
      if (i > 0) await sleep(p.longSilenceMs);
      afterLong.push(await firstMessageMs(next, ingress, store));
      o.log(`${o.target}: after ${i === 0 ? 'the idle window' : `${p.longSilenceMs} ms`} of silence: ${afterLong.at(-1)!.toFixed(1)} ms`);
    }
    const afterShort: number[] = [];
    for (let i = 0; i < p.shortSamples; i++) {
      await sleep(p.shortSilenceMs);
      afterShort.push(await firstMessageMs(next, ingress, store));
    }
    o.log(`${o.target}: after ${p.shortSilenceMs} ms of silence: ${afterShort.map((x) => x.toFixed(1)).join(', ')} ms`);
    const s0 = performance.now();
    await stack.stop();
    return { target: o.target, services, launcher: launcherRes, kafkaCpuPct, idleSeconds, loadBefore, afterLong, afterShort, stopMs: performance.now() - s0 };
  } catch (err) {
    await stack.stop(5_000);
    throw err;
  }
}
