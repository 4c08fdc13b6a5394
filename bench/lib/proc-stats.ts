import { readFileSync } from 'node:fs';
import { descendantPids, readVmMiB } from '@wabus/testing/process-tree';

export { descendantPids, readVmMiB };
import { createServer } from 'node:net';

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU used by `pid` between two samples, in % of one core. */
export function cpuMeter(pid: number | undefined): () => number | undefined {
  const t0 = performance.now();
  const c0 = pid === undefined ? undefined : readCpuSeconds(pid);
  return () => {
    if (pid === undefined || c0 === undefined) return undefined;
    const c1 = readCpuSeconds(pid);
    const ms = performance.now() - t0;
    return c1 === undefined || ms <= 0 ? undefined : ((c1 - c0) * 1000 * 100) / ms;
  };
}

/** A loopback port free right now (the OS picks it; a child binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `pid` and its descendants. */
export function processTree(pid: number): number[] {
  return [pid, ...descendantPids(pid)];
}

/** The command name of a process (/proc/<pid>/comm), e.g. `node` or `esbuild`. */
export function readComm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Sum of a `Vm*` field over processes, in MiB; undefined when none could be read. */
export function sumVmMiB(pids: number[], field: 'VmHWM' | 'VmRSS'): number | undefined {
  const values = pids.map((p) => readVmMiB(p, field)).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

/**
 * CPU used by the process tree of `pid` (itself and every descendant) between two samples, in % of one core
 * (so it can exceed 100). The tree is read at both samples: a process born in between counts from zero; one that
 * was there at the start and is gone at the end took its CPU with it, so the result is then undefined (with the
 * pids that vanished, for a log line).
 */
export function treeCpuMeter(pid: number): () => { pct: number | undefined; byPid: Map<number, number>; vanished: number[] } {
  const t0 = performance.now();
  const c0 = new Map<number, number>();
  for (const p of processTree(pid)) {
    const c = readCpuSeconds(p);
    if (c !== undefined) c0.set(p, c);
  }
  return () => {
    const ms = performance.now() - t0;
    const c1 = new Map<number, number>();
    for (const p of processTree(pid)) {
      const c = readCpuSeconds(p);
      if (c !== undefined) c1.set(p, c);
    }
    const vanished = [...c0.keys()].filter((p) => !c1.has(p));
    const byPid = new Map<number, number>();
    if (ms > 0) for (const [p, c] of c1) byPid.set(p, ((c - (c0.get(p) ?? 0)) * 1000 * 100) / ms);
    if (vanished.length > 0 || !c1.has(pid) || ms <= 0) return { pct: undefined, byPid, vanished };
    return { pct: [...byPid.values()].reduce((a, v) => a + v, 0), byPid, vanished };
  };
}
