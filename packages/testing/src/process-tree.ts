import { readFileSync, readdirSync } from 'node:fs';

/** The descendants of `pid` (children, their children, ...), from /proc/<pid>/task/<tid>/children; gone ones are skipped. */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const visit = (p: number, depth: number) => {
    if (depth > 32) return;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let text: string;
      try {
        text = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of text.split(' ')) {
        const child = Number(c);
        if (c.trim() === '' || !Number.isInteger(child) || found.includes(child)) continue;
        found.push(child);
        visit(child, depth + 1);
      }
    }
  };
  visit(pid, 0);
  return found;
}

/** Whether a process `pid` exists (signal 0; EPERM: it exists, and belongs to someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A `Vm*` line of /proc/<pid>/status in MiB (VmHWM: peak resident set; VmRSS: current). */
export function readVmMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
