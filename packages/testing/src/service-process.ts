import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { fetchGroupOffsets } from '@wabus/kafka';
import { SUPERVISOR_PID_ENV } from '@wabus/service/supervisor';
import { serviceFacts, serviceStartArgs } from '@wabus/service/registry';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Polls a condition the system exposes (committed offsets, a store, a process's output); fails after `timeoutMs`,
 * saying `what` (a function: read when it fails, e.g. to show a child process's latest output).
 */
export async function waitUntil(
  what: string | (() => string),
  check: () => Promise<boolean> | boolean,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100 } = opts;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Records a group has committed on a topic, over all partitions (a partition without a commit counts 0). */
export async function committedTotal(kafka: Kafka, groupId: string, topic: string): Promise<bigint> {
  return (await fetchGroupOffsets(kafka, groupId, topic)).reduce((sum, p) => sum + (Number(p.offset) > 0 ? BigInt(p.offset) : 0n), 0n);
}

/** A service's entry point running as its own process. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Its stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Neither exited nor killed. */
  running(): boolean;
  /** The exit code; -1 when a signal ended it. */
  exited: Promise<number | null>;
  /** SIGKILL, then waits for the exit. Throws, with the output's tail, if the process had already died on its own. */
  kill(): Promise<void>;
  /** SIGTERM, the way an orchestrator stops it; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs a service — by name, with its production start (`node packages/cli/src/main.ts <name>`, what the image runs),
 * or a `src/main.ts` path with plain `node` — from the repository root, without tsx (Node strips the types), with `env` over this process's
 * environment. The one way the tests start a service's process. A process still running when the test `t` ends is
 * SIGKILLed (`null`: the caller stops it).
 */
export function spawnServiceProcess(t: TestContext | null, service: string | URL, env: Record<string, string | undefined>): ServiceProcess {
  const args = service instanceof URL ? [fileURLToPath(service)] : service.includes('/') ? [service] : serviceStartArgs(serviceFacts(service).name);
  // The test process is its supervisor: a test run killed outright leaves no service behind (docs/services.md).
  const supervised = { [SUPERVISOR_PID_ENV]: String(process.pid) };
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...supervised, ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const running = () => child.exitCode === null && child.signalCode === null;
  t?.after(() => void (running() && child.kill('SIGKILL')));
  const output = () => chunks.join('');
  return {
    child,
    output,
    running,
    exited,
    async kill() {
      if (!running()) throw new Error(`the service died on its own (exit ${child.exitCode ?? child.signalCode}):\n${output().slice(-2_000)}`);
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Where the next kill lands: resolves once the running process has reached it. */
export type KillPoint = (run: ServiceProcess) => Promise<unknown>;

/**
 * The crash loop of the SIGKILL tests: up to `rounds` times, `pick` a random point of progress (before the start,
 * from the test's own seeded random numbers and signal; `undefined` ends the loop early), `start` the service, wait
 * for the point, SIGKILL it, and record `afterKill`, if given (committed offsets, documents written). Each start is a restart
 * of the last killed process. Returns what `afterKill` recorded, a round each.
 */
export async function killAtRandomPoints<T = undefined>(o: {
  rounds: number;
  start: () => ServiceProcess;
  pick: (round: number) => Promise<KillPoint | undefined> | KillPoint | undefined;
  afterKill?: (round: number) => Promise<T> | T;
}): Promise<T[]> {
  const recorded: T[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const point = await o.pick(round);
    if (point === undefined) break;
    const run = o.start();
    await point(run);
    await run.kill();
    recorded.push((await o.afterKill?.(round)) as T);
  }
  return recorded;
}
