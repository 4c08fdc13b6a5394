import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface NodeChild {
  /** pid of the node process itself (no shell, no wrapper), for /proc sampling. */
  pid: number;
  process: ChildProcess;
  /** Exit code, or null when ended by a signal. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface NodeChildOptions {
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Node flags placed before the script (e.g. --cpu-prof). TypeScript runs through tsx. */
  nodeArgs?: string[];
  /** stdout and stderr go to this file (appended); default: inherited stderr, stdout discarded. */
  logFile?: string;
  ipc?: boolean;
}

export function spawnNodeChild(opts: NodeChildOptions): NodeChild {
  const fd = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'a');
  const stdio = [
    'ignore',
    fd ?? 'ignore',
    fd ?? 'inherit',
    ...(opts.ipc ? ['ipc'] : []),
  ] as ('ignore' | 'inherit' | 'ipc' | number)[];
  const child = spawn(process.execPath, ['--import', 'tsx', ...(opts.nodeArgs ?? []), opts.script], { cwd: opts.cwd, env: opts.env, stdio });
  if (fd !== undefined) closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${opts.script}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 15_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { pid: child.pid, process: child, exited, stop };
}

/** Polls `url` until it answers 200, the child exits, or `timeoutMs` passes (bounded). */
export async function waitForHttp200(url: string, child: NodeChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void child.exited.then(() => {
    gone = true;
  });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${url}: the server exited before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${last})`);
}
