import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A `Vm*` line of /proc/<pid>/status in MiB (VmHWM: peak resident set; VmRSS: current). */
export function readVmMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

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
