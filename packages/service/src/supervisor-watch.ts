import { int, readConfig } from '@wabus/config';

/** The variable a supervisor (`wabus dev`, ingress' primary) sets to its own pid in each service it starts. */
export const SUPERVISOR_PID_ENV = 'WABUS_SUPERVISOR_PID';

/** The supervisor's pid from the environment; 0 when none watches this process. A bad value is WABUS_CONFIG_INVALID. */
export function supervisorPidOf(env: NodeJS.ProcessEnv): number {
  return readConfig({ pid: { env: SUPERVISOR_PID_ENV, parse: int(1, 2 ** 22), default: 0, description: 'pid of the process that started this service' } }, env)
    .pid;
}

/** What the watch asks of the system; the defaults read this process's. */
export interface ProcessProbe {
  /** This process's parent pid now. */
  ppid(): number;
  /** Whether a process with `pid` exists. */
  exists(pid: number): boolean;
}

const systemProbe: ProcessProbe = {
  ppid: () => process.ppid,
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: it exists, and belongs to someone else.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/**
 * Whether the supervisor `pid` is gone. When it started this process (`wasParent`), the parent pid is enough and
 * cannot be fooled by a reused pid: an orphan is re-parented (to init or a subreaper) as its parent dies. Otherwise
 * (a supervisor further up), whether `pid` still exists.
 */
export function supervisorGone(pid: number, wasParent: boolean, probe: ProcessProbe = systemProbe): boolean {
  return wasParent ? probe.ppid() !== pid : !probe.exists(pid);
}

/**
 * Calls `onGone` once the supervisor `pid` is gone (SIGKILLed, crashed, its terminal closed), checking every
 * `everyMs` (1 s: a `getppid` a second costs nothing measurable, and a 1 s delay is nothing next to a graceful
 * stop). The timer never keeps the process alive. A service started by a supervisor that died without stopping it
 * (no signal reaches a process in its own process group) thus stops as on SIGTERM instead of holding its port.
 */
export function watchSupervisor(o: { pid: number; onGone: () => void; everyMs?: number; probe?: ProcessProbe }): { stop(): void } {
  const probe = o.probe ?? systemProbe;
  const wasParent = probe.ppid() === o.pid;
  const timer = setInterval(() => {
    if (!supervisorGone(o.pid, wasParent, probe)) return;
    clearInterval(timer);
    o.onGone();
  }, o.everyMs ?? 1_000).unref();
  return { stop: () => clearInterval(timer) };
}
