import { cpuMeter, freePort, processTree, readComm, readVmMiB, sumVmMiB, treeCpuMeter } from '../lib/proc-stats.ts';
import { waitForClusterReady, waitForHttp200 } from '../lib/node-child.ts';
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
  /** Server and Kafka CPU during the saturation phase, % of one core (the server's summed over its process tree when it has workers). */
  serverCpuPct: number | undefined;
  kafkaCpuPct: number | undefined;
  /** Server CPU during the fixed-rate phase, % of one core (one process only): cost per request, less sensitive to other load than throughput. */
  fixedRateCpuPct: number | undefined;
  /** Targets with workers: the process tree at the end of saturation (primary first), with each one's peak RSS. */
  processes: { pid: number; comm: string; peakRssMiB: number | undefined; cpuPct: number | undefined }[] | undefined;
  /** The text of GET /metrics after the load, when one process serves all of it (wabus; not wabus-2w, one registry per worker). */
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
  const tree = target.workers > 1;
  try {
    if (tree) {
      const workers = await waitForClusterReady({ host: '127.0.0.1', port, path: '/readyz', child, workers: target.workers, timeoutMs: 60_000 });
      log(`${target.name}: ready, primary ${child.pid}, workers ${workers.join(', ')}`);
    } else {
      await waitForHttp200(`${base}/readyz`, child, 30_000);
    }
    const idleRssMiB = tree ? sumVmMiB(processTree(child.pid), 'VmRSS') : readVmMiB(child.pid, 'VmRSS');
    log(`${target.name}: warm-up ${phases.warmupMs} ms`);
    const warmup = await loadgen.saturate({ url, connections: phases.connections, durationMs: phases.warmupMs });

    log(`${target.name}: saturation, ${phases.connections} connections, ${phases.saturateMs} ms`);
    const serverCpu = tree ? undefined : cpuMeter(child.pid);
    const serverTreeCpu = tree ? treeCpuMeter(child.pid) : undefined;
    const kafkaCpu = cpuMeter(opts.kafkaPid);
    const saturation = await loadgen.saturate({ url, connections: phases.connections, durationMs: phases.saturateMs });
    let serverCpuPct = serverCpu?.();
    const treeCpu = serverTreeCpu?.();
    if (treeCpu) {
      serverCpuPct = treeCpu.pct;
      if (treeCpu.vanished.length > 0) log(`${target.name}: process(es) ${treeCpu.vanished.join(', ')} ended during saturation: server CPU unknown`);
    }
    const kafkaCpuPct = target.name === 'bare' ? undefined : kafkaCpu();
    const processes = tree
      ? processTree(child.pid).map((pid) => ({ pid, comm: readComm(pid) ?? '?', peakRssMiB: readVmMiB(pid, 'VmHWM'), cpuPct: treeCpu?.byPid.get(pid) }))
      : undefined;
    const peakRssMiB = processes
      ? sumVmMiB(
          processes.map((p) => p.pid),
          'VmHWM',
        )
      : readVmMiB(child.pid, 'VmHWM');
    log(
      `${target.name}: ${saturation.rps.toFixed(0)} req/s, p99 ${saturation.latency.p99.toFixed(1)} ms, server CPU ${serverCpuPct?.toFixed(0) ?? '?'} %` +
        (processes ? ` (${processes.map((p) => `${p.comm} ${p.pid}: ${p.cpuPct?.toFixed(0) ?? '?'} %`).join(', ')})` : ''),
    );

    log(`${target.name}: open loop at ${phases.rate} req/s, ${phases.rateMs} ms`);
    const fixedRateCpu = tree ? undefined : cpuMeter(child.pid);
    const fixedRate = await loadgen.rate({ url, rate: phases.rate, durationMs: phases.rateMs, maxInFlight: phases.maxInFlight });
    const fixedRateCpuPct = fixedRateCpu?.();
    log(`${target.name}: p50 ${fixedRate.latency.p50.toFixed(1)} ms, p99 ${fixedRate.latency.p99.toFixed(1)} ms`);

    const metrics = target.ingress && !tree ? await (await fetch(`${base}/metrics`)).text() : undefined;
    const exitCode = await child.stop();
    return {
      name: target.name,
      warmup,
      saturation,
      fixedRate,
      idleRssMiB,
      peakRssMiB,
      serverCpuPct,
      kafkaCpuPct,
      fixedRateCpuPct,
      processes,
      metrics,
      exitCode,
    };
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
