import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { descendantPids, readComm } from './proc-stats.ts';

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
  /** Node flags placed before the script (e.g. --cpu-prof). TypeScript runs on Node's own type stripping, as in production. */
  nodeArgs?: string[];
  /** stdout and stderr go to this file (appended); default: inherited stderr, stdout discarded. */
  logFile?: string;
  ipc?: boolean;
}

export function spawnNodeChild(opts: NodeChildOptions): NodeChild {
  const fd = opts.logFile === undefined ? undefined : openSync(opts.logFile, 'a');
  const stdio = ['ignore', fd ?? 'ignore', fd ?? 'inherit', ...(opts.ipc ? ['ipc'] : [])] as ('ignore' | 'inherit' | 'ipc' | number)[];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script], { cwd: opts.cwd, env: opts.env, stdio });
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

/** Server-side TCP connections on local `port` that `pid` holds (its fds matched against /proc/<pid>/net/tcp by inode). */
function heldConnections(pid: number, port: number): number {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m?.[1] !== undefined) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return 0;
  }
  let n = 0;
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const local = f[1];
      // state 01: ESTABLISHED; field 10: inode
      if (local === undefined || f[3] !== '01' || f[9] === undefined) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && inodes.has(f[9])) n++;
    }
  }
  return n;
}

/** Opens `n` TCP connections to host:port at once (bounded). */
async function openConnections(host: string, port: number, n: number): Promise<Socket[]> {
  const sockets = Array.from({ length: n }, () => connect({ host, port }));
  try {
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.setTimeout(2_000, () => s.destroy(new Error('connect timed out')));
            s.once('connect', () => resolve());
            s.once('error', reject);
          }),
      ),
    );
    return sockets;
  } catch (err) {
    for (const s of sockets) s.destroy();
    throw err;
  }
}

/** Status code of one GET `path` sent on an open connection (Connection: close); 0 when the answer is not HTTP. */
function getOn(socket: Socket, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('no answer within 2 s')));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const eol = head.indexOf('\r\n');
      if (eol >= 0) resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.slice(0, eol))?.[1] ?? 0));
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before an answer')));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

/**
 * A node:cluster server is ready once `workers` worker processes (children of the primary with its command name)
 * exist, each one has taken one of 2 × `workers` connections opened at once (the primary hands connections round-robin,
 * and only to workers that listen; the connection is then an fd of the worker), and GET `path` answered 200 on every
 * one of those connections (every worker is ready: producer connected, topics there). One /readyz 200 alone says
 * nothing of the other workers. Returns the workers' pids. Bounded by `timeoutMs`.
 */
export async function waitForClusterReady(opts: {
  host: string;
  port: number;
  path: string;
  child: NodeChild;
  workers: number;
  timeoutMs: number;
}): Promise<number[]> {
  const { host, port, child, workers } = opts;
  const deadline = Date.now() + opts.timeoutMs;
  let gone = false;
  void child.exited.then(() => {
    gone = true;
  });
  let last = 'no worker yet';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${host}:${port}: the server exited before it was ready`);
    // Read each time: Node 24 renames its main thread ("node" → "MainThread") a moment after it starts.
    const comm = readComm(child.pid);
    const pids = descendantPids(child.pid).filter((p) => comm !== undefined && readComm(p) === comm);
    if (pids.length !== workers) {
      last = `${pids.length} worker processes`;
    } else {
      let sockets: Socket[] = [];
      try {
        sockets = await openConnections(host, port, 2 * workers);
        let holding = 0;
        for (let i = 0; i < 20; i++) {
          holding = pids.filter((p) => heldConnections(p, port) > 0).length;
          if (holding === workers) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        if (holding === workers) {
          const statuses = await Promise.all(sockets.map((s) => getOn(s, host, opts.path)));
          if (statuses.every((st) => st === 200)) return pids;
          last = `${opts.path} answered ${statuses.join(', ')}`;
        } else {
          last = `${holding} of ${workers} workers took a connection`;
        }
      } catch (err) {
        last = (err as Error).message;
      } finally {
        for (const s of sockets) s.destroy();
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${host}:${port} not ready with ${workers} workers within ${opts.timeoutMs} ms (${last})`);
}
