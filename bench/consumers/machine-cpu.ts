import { readFileSync } from 'node:fs';

/** Busy and total jiffies of the whole machine (first line of /proc/stat), or undefined off Linux. */
function readMachineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    // idle + iowait are not busy
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * CPU used by everything on the machine between two samples, in % of one core (up to 100 × cores), so it reads
 * like the per-process columns: what is left after subtracting those is other work (other people's tests, ...).
 */
export function machineCpuMeter(cores: number): () => number | undefined {
  const a = readMachineJiffies();
  return () => {
    const b = readMachineJiffies();
    if (a === undefined || b === undefined || b.total <= a.total) return undefined;
    return ((b.busy - a.busy) / (b.total - a.total)) * 100 * cores;
  };
}
