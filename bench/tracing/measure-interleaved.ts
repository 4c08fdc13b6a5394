import { waitForHttp200, type NodeChild } from '../lib/node-child.ts';
import { cpuMeter, freePort, readVmMiB } from '../lib/proc-stats.ts';
import type { Loadgen } from '../ingress/loadgen-client.ts';
import type { LoadResult } from '../ingress/loadgen-protocol.ts';
import type { TargetEnv, TargetName, TargetSpec } from '../ingress/targets.ts';

export interface InterleavedPhases {
  /** Each target, once, before the first round. */
  warmupMs: number;
  /** Closed-loop saturation of one target in one round. */
  roundMs: number;
  rounds: number;
  connections: number;
  /** Open loop, each target once after the rounds. */
  rate: number;
  rateMs: number;
  maxInFlight: number;
}

export interface RoundResult {
  round: number;
  saturation: LoadResult;
  /** Server CPU over the round, % of one core. */
  cpuPct: number | undefined;
  /** Kafka's CPU over the round (when the broker is ours to sample), and the bench process's (the OTLP receivers). */
  kafkaCpuPct: number | undefined;
  benchCpuPct: number;
}

export interface InterleavedResult {
  name: TargetName;
  rounds: RoundResult[];
  fixedRate: LoadResult;
  fixedRateCpuPct: number | undefined;
  idleRssMiB: number | undefined;
  peakRssMiB: number | undefined;
  /** GET /metrics after the load. */
  metrics: string;
  exitCode: number | null;
}

/** This process's CPU between two samples, % of one core. */
function benchCpuMeter(): () => number {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100;
  };
}

/**
 * Runs every target at once (one ingress process each, all idle but the one under load) and saturates them in turn,
 * round after round, each round starting one target further along: A B C D, B C D A, ... Whatever else the machine
 * does drifts slowly compared with one round, so comparing targets within a round cancels most of it, where running
 * them one after the other (minutes apart) does not.
 */
export async function measureInterleaved(opts: {
  targets: readonly TargetSpec[];
  envOf: (t: TargetSpec) => Omit<TargetEnv, 'port'>;
  loadgen: Loadgen;
  phases: InterleavedPhases;
  kafkaPid: number | undefined;
  log: (msg: string) => void;
}): Promise<InterleavedResult[]> {
  const { targets, loadgen, phases, log } = opts;
  const running: { target: TargetSpec; child: NodeChild; base: string; idleRssMiB: number | undefined }[] = [];
  try {
    for (const target of targets) {
      if (target.workers !== 1) throw new Error(`${target.name}: interleaved runs take single-process targets`);
      const port = await freePort();
      const child = target.start({ ...opts.envOf(target), port });
      const base = `http://127.0.0.1:${port}`;
      running.push({ target, child, base, idleRssMiB: undefined });
      await waitForHttp200(`${base}/readyz`, child, 30_000);
    }
    for (const r of running) {
      r.idleRssMiB = readVmMiB(r.child.pid, 'VmRSS');
      log(`${r.target.name}: warm-up ${phases.warmupMs} ms`);
      await loadgen.saturate({ url: `${r.base}/webhook`, connections: phases.connections, durationMs: phases.warmupMs });
    }

    const rounds = new Map<TargetName, RoundResult[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < phases.rounds; round++) {
      const order = running.map((_, i) => running[(i + round) % running.length]!);
      const line: string[] = [];
      for (const r of order) {
        const cpu = cpuMeter(r.child.pid);
        const kafkaCpu = cpuMeter(opts.kafkaPid);
        const bench = benchCpuMeter();
        const saturation = await loadgen.saturate({ url: `${r.base}/webhook`, connections: phases.connections, durationMs: phases.roundMs });
        rounds.get(r.target.name)!.push({ round, saturation, cpuPct: cpu(), kafkaCpuPct: kafkaCpu(), benchCpuPct: bench() });
        line.push(`${r.target.name} ${saturation.rps.toFixed(0)}`);
      }
      log(`round ${round + 1}/${phases.rounds} (req/s): ${line.join(', ')}`);
    }

    const results: InterleavedResult[] = [];
    for (const r of running) {
      log(`${r.target.name}: open loop at ${phases.rate} req/s, ${phases.rateMs} ms`);
      const cpu = cpuMeter(r.child.pid);
      const fixedRate = await loadgen.rate({ url: `${r.base}/webhook`, rate: phases.rate, durationMs: phases.rateMs, maxInFlight: phases.maxInFlight });
      const fixedRateCpuPct = cpu();
      const metrics = await (await fetch(`${r.base}/metrics`)).text();
      results.push({
        name: r.target.name,
        rounds: rounds.get(r.target.name)!,
        fixedRate,
        fixedRateCpuPct,
        idleRssMiB: r.idleRssMiB,
        peakRssMiB: readVmMiB(r.child.pid, 'VmHWM'),
        metrics,
        exitCode: null,
      });
    }
    // SIGTERM: each flushes its producer and exports the spans it still holds before it exits.
    const codes = await Promise.all(running.map((r) => r.child.stop()));
    codes.forEach((code, i) => (results[i]!.exitCode = code));
    return results;
  } finally {
    await Promise.all(running.map((r) => r.child.stop(5_000)));
  }
}
