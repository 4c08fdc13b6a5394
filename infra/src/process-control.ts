import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export function readPidFile(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}

function procFile(pid: number, name: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

function procState(pid: number): string | undefined {
  const stat = procFile(pid, 'stat');
  // Field 3, after "(comm)" which may itself contain spaces or parentheses.
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** True when `pid` is frozen by SIGSTOP (Linux only; elsewhere false). */
export function isProcessStopped(pid: number): boolean {
  return procState(pid) === 'T';
}

/**
 * True when `pid` is a live process whose command line carries `instanceTag` (where /proc exists; elsewhere a
 * live pid is trusted). Zombies count as dead, and so does a pid the kernel has handed to another program.
 */
export function isProcessAlive(pid: number, instanceTag: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procState(pid);
  if (state === undefined) return true;
  if (state === 'Z' || state === 'X') return false;
  const cmdline = procFile(pid, 'cmdline');
  return cmdline === undefined || cmdline.split('\0').some((arg) => arg.includes(instanceTag));
}

/** The live pid recorded in `pidFile` for this instance, if any. */
export function runningPid(pidFile: string, instanceTag: string): number | undefined {
  const pid = readPidFile(pidFile);
  return pid !== undefined && isProcessAlive(pid, instanceTag) ? pid : undefined;
}

/**
 * Starts a process that outlives this one: own session and process group (`detached`), stdin closed, stdout and
 * stderr appended to `logFile`, pid written to `pidFile`. The returned handle reports an early exit while this
 * process still runs.
 */
export async function spawnDetached(opts: {
  file: string;
  args: readonly string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
}): Promise<ChildProcess & { pid: number }> {
  const out = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.file, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolvePromise) => child.once('error', resolvePromise));
    throw error;
  }
  child.unref();
  await writeFile(opts.pidFile, `${pid}\n`);
  return Object.assign(child, { pid });
}

export async function waitForExit(pid: number, instanceTag: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid, instanceTag)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** A second SIGTERM after this long: SecantusDB may lose the first one (docs/stores.md, "SIGTERM after SIGCONT"). */
const TERM_AGAIN_MS = 5_000;

/**
 * SIGTERM (plus SIGCONT, in case a fault test left it SIGSTOPped: a stopped process never sees the TERM), wait up
 * to `graceMs` (a second SIGTERM after 5 s), and only then SIGKILL. Resolves with how it ended.
 */
export async function terminateProcess(pid: number, instanceTag: string, graceMs: number): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isProcessAlive(pid, instanceTag)) return 'not-running';
  sendSignal(pid, 'SIGTERM');
  sendSignal(pid, 'SIGCONT');
  if (await waitForExit(pid, instanceTag, Math.min(TERM_AGAIN_MS, graceMs))) return 'terminated';
  sendSignal(pid, 'SIGTERM');
  if (await waitForExit(pid, instanceTag, Math.max(0, graceMs - TERM_AGAIN_MS))) return 'terminated';
  sendSignal(pid, 'SIGKILL');
  await waitForExit(pid, instanceTag, 10_000);
  return 'killed';
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
