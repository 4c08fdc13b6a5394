import { cpuMeter, freePort, readVmMiB } from '../lib/proc-stats.ts';
import { waitForHttp200 } from '../lib/node-child.ts';
import type { Loadgen } from './loadgen-client.ts';
import type { LoadResult } from './loadgen-protocol.ts';
import type { TargetEnv, TargetName, TargetSpec } from './targets.ts';

export interface Phases {
  warmupMs: number;
  saturateMs: number;
  rateMs: number;
  connections: number;
  rate: number;
  /** Open-loop requests allowed in flight before due sends are skipped (and counted). */
  maxInFlight: number;
}

export interface TargetResult {
  name: TargetName;
  warmup: LoadResult;
  saturation: LoadResult;
  fixedRate: LoadResult;
  idleRssMiB: number | undefined;
  peakRssMiB: number | undefined;
  /** Server and Kafka CPU during the saturation phase, % of one core. */
  serverCpuPct: number | undefined;
  kafkaCpuPct: number | undefined;
  /** The text of GET /metrics after the load, when the target serves it (wabus). */
  metrics: string | undefined;
  exitCode: number | null;
}

/** One target, alone on the machine with Kafka and the load generator: start, warm up, saturate, fixed rate, stop. */
export async function measureTarget(opts: {
  target: TargetSpec;
  env: Omit<TargetEnv, 'port'>;
  loadgen: Loadgen;
  phases: Phases;
  kafkaPid: number | undefined;
  log: (msg: string) => void;
}): Promise<TargetResult> {
  const { target, loadgen, phases, log } = opts;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/webhook`;
  const child = target.start({ ...opts.env, port });
  try {
    await waitForHttp200(`${base}/readyz`, child, 30_000);
    const idleRssMiB = readVmMiB(child.pid, 'VmRSS');
    log(`${target.name}: warm-up ${phases.warmupMs} ms`);
    const warmup = await loadgen.saturate({ url, connections: phases.connections, durationMs: phases.warmupMs });

    log(`${target.name}: saturation, ${phases.connections} connections, ${phases.saturateMs} ms`);
    const serverCpu = cpuMeter(child.pid);
    const kafkaCpu = cpuMeter(opts.kafkaPid);
    const saturation = await loadgen.saturate({ url, connections: phases.connections, durationMs: phases.saturateMs });
    const serverCpuPct = serverCpu();
    const kafkaCpuPct = target.name === 'bare' ? undefined : kafkaCpu();
    const peakRssMiB = readVmMiB(child.pid, 'VmHWM');
    log(`${target.name}: ${saturation.rps.toFixed(0)} req/s, p99 ${saturation.latency.p99.toFixed(1)} ms`);

    log(`${target.name}: open loop at ${phases.rate} req/s, ${phases.rateMs} ms`);
    const fixedRate = await loadgen.rate({ url, rate: phases.rate, durationMs: phases.rateMs, maxInFlight: phases.maxInFlight });
    log(`${target.name}: p50 ${fixedRate.latency.p50.toFixed(1)} ms, p99 ${fixedRate.latency.p99.toFixed(1)} ms`);

    const metrics = target.name === 'wabus' ? await (await fetch(`${base}/metrics`)).text() : undefined;
    const exitCode = await child.stop();
    return { name: target.name, warmup, saturation, fixedRate, idleRssMiB, peakRssMiB, serverCpuPct, kafkaCpuPct, metrics, exitCode };
  } finally {
    await child.stop(5_000);
  }
}

/** The value of one Prometheus sample line, e.g. `wabus_ingress_requests_total{outcome="accepted"}`. */
export function promSample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
