import type { ConsumerStatus } from '@wabus/kafka';
import type { NodeChild } from '../lib/node-child.ts';
import { availableParallelism } from 'node:os';
import { cpuMeter, readVmMiB } from '../lib/proc-stats.ts';
import { machineCpuMeter } from './machine-cpu.ts';

export interface DrainResult {
  /** Records on the topic (the goal: every partition applied up to its high watermark). */
  total: number;
  /** Records already applied at the first poll that saw any: the window starts there. */
  appliedAtStart: number;
  /** Spawn → first poll that saw a record applied (process start, connect, group join, first batch). */
  startupMs: number;
  /** First poll that saw a record applied → first poll that saw every partition caught up. */
  windowMs: number;
  eventsPerSecond: number;
  /** % of one core over the window. */
  consumerCpuPct: number | undefined;
  kafkaCpuPct: number | undefined;
  storeCpuPct: number | undefined;
  /** Everything on the machine, same unit: the rest is other work (the bench process's polls included). */
  machineCpuPct: number | undefined;
  peakRssMiB: number | undefined;
  polls: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(base: string): Promise<ConsumerStatus | undefined> {
  try {
    const res = await fetch(`${base}/v1/lag`, { signal: AbortSignal.timeout(1_000) });
    if (res.status !== 200) {
      await res.arrayBuffer();
      return undefined;
    }
    return (await res.json()) as ConsumerStatus;
  } catch {
    return undefined; // not listening yet
  }
}

/**
 * Times one consumer draining a backlog: polls its GET /v1/lag every `pollMs` from the moment it was spawned
 * (`spawnedAt`, performance.now()) until every partition's `applied` (next offset applied) reaches the topic's high
 * watermark. The window runs from the first poll that saw anything applied to the first poll that saw the end, and
 * the rate counts the records applied inside it; CPU of the consumer, Kafka and the store is sampled over the same
 * window. Bounded by `timeoutMs` and by the consumer exiting.
 */
export async function measureDrain(opts: {
  child: NodeChild;
  base: string;
  spawnedAt: number;
  highWatermarks: Map<number, bigint>;
  kafkaPid: number | undefined;
  storePid: number | undefined;
  pollMs: number;
  timeoutMs: number;
}): Promise<DrainResult> {
  const { child, highWatermarks } = opts;
  const total = Number([...highWatermarks.values()].reduce((a, b) => a + b, 0n));
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  let start: { at: number; applied: number; cpu: Record<'consumer' | 'kafka' | 'store' | 'machine', () => number | undefined> } | undefined;
  let polls = 0;
  let last = 'no answer yet';
  const deadline = opts.spawnedAt + opts.timeoutMs;
  while (performance.now() < deadline) {
    if (exited) throw new Error(`${opts.base}: the consumer exited while draining`);
    const tick = performance.now();
    const st = await status(opts.base);
    const at = performance.now();
    polls++;
    if (st !== undefined) {
      const applied = new Map(st.partitions.map((p) => [p.partition, p.applied === undefined ? 0n : BigInt(p.applied)]));
      const sum = Number([...applied.values()].reduce((a, b) => a + b, 0n));
      const caughtUp = [...highWatermarks].every(([p, high]) => (applied.get(p) ?? 0n) >= high);
      last = `${sum} of ${total} applied`;
      if (start === undefined && sum > 0) {
        start = {
          at,
          applied: sum,
          cpu: {
            consumer: cpuMeter(child.pid),
            kafka: cpuMeter(opts.kafkaPid),
            store: cpuMeter(opts.storePid),
            machine: machineCpuMeter(availableParallelism()),
          },
        };
      }
      if (caughtUp && start !== undefined) {
        const windowMs = at - start.at;
        return {
          total,
          appliedAtStart: start.applied,
          startupMs: start.at - opts.spawnedAt,
          windowMs,
          eventsPerSecond: windowMs > 0 ? ((total - start.applied) * 1000) / windowMs : Number.NaN,
          consumerCpuPct: start.cpu.consumer(),
          kafkaCpuPct: start.cpu.kafka(),
          storeCpuPct: start.cpu.store(),
          machineCpuPct: start.cpu.machine(),
          peakRssMiB: readVmMiB(child.pid, 'VmHWM'),
          polls,
        };
      }
    }
    await sleep(Math.max(0, opts.pollMs - (performance.now() - tick)));
  }
  throw new Error(`${opts.base}: not caught up within ${opts.timeoutMs} ms (${last})`);
}
