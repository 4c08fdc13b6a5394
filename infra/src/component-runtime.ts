import type { ChildProcess } from 'node:child_process';
import { mkdir, rename, truncate } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentDriver } from './component-driver.ts';
import { InfraError } from './errors.ts';
import { fileSize, logExcerpt } from './log-tail.ts';
import { isPortOpen } from './port-probe.ts';
import { isProcessAlive, isProcessStopped, removePidFile, runningPid, spawnDetached, terminateProcess } from './process-control.ts';
import { PORT_VARIABLES, type ComponentLayout } from './profile-layout.ts';
import type { ComponentStatus, LogFn, Profile } from './types.ts';

/** SIGTERM first; SIGKILL only after this long (a graceful stop took 0.4-2.5 s for Kafka, 0.1 s for Mongo). */
const STOP_GRACE_MS = 20_000;

/** The dev profile appends to its logs across starts; past this size the old log moves to `<log>.1`. */
const LOG_ROTATE_BYTES = 32 * 1024 * 1024;

function address(layout: ComponentLayout): string {
  return `${layout.host}:${layout.port}`;
}

export function runningStatus(layout: ComponentLayout, pid: number): ComponentStatus {
  return { state: 'running', address: address(layout), pid, logFile: layout.logFile, dataDir: layout.dataDir };
}

export function componentStatus(layout: ComponentLayout): ComponentStatus {
  const pid = runningPid(layout.pidFile, layout.instanceTag);
  if (pid !== undefined) return runningStatus(layout, pid);
  return { state: 'stopped', address: address(layout), logFile: layout.logFile, dataDir: layout.dataDir };
}

async function waitForReady(driver: ComponentDriver, pid: number, child: ChildProcess | undefined, logOffset: number): Promise<void> {
  const { layout } = driver;
  const deadline = Date.now() + driver.startTimeoutMs;
  let exit: string | undefined;
  child?.once('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  for (;;) {
    if (exit !== undefined || !isProcessAlive(pid, layout.instanceTag)) {
      throw new InfraError(
        'INFRA_PROCESS_EXITED',
        `${layout.label} (pid ${pid}) exited during start-up (${exit ?? 'gone'}); see ${layout.logFile}:\n` + logExcerpt(layout.logFile, logOffset),
        { component: layout.label, logFile: layout.logFile, pid },
      );
    }
    if ((await isPortOpen(layout.host, layout.port)) && (await driver.probeReady())) return;
    if (Date.now() >= deadline) {
      throw new InfraError(
        'INFRA_START_TIMEOUT',
        `${layout.label} (pid ${pid}) not ready on ${address(layout)} after ${driver.startTimeoutMs} ms; ` +
          `see ${layout.logFile}:\n${logExcerpt(layout.logFile, logOffset)}`,
        { component: layout.label, logFile: layout.logFile, pid },
      );
    }
    await sleep(250);
  }
}

/**
 * Reuses the component when its recorded pid is alive (waiting for it to be ready: another process may be
 * starting it), else starts it in the background and waits for real readiness. A process that does not become
 * ready is stopped again, so a failed start leaves nothing behind.
 */
export async function ensureComponentRunning(
  driver: ComponentDriver,
  opts: { fresh: boolean; log: LogFn; env: NodeJS.ProcessEnv; profile: Profile },
): Promise<ComponentStatus> {
  const { layout } = driver;
  const existing = runningPid(layout.pidFile, layout.instanceTag);
  if (existing !== undefined) {
    if (isProcessStopped(existing)) {
      // Left frozen by a fault test that did not get to its SIGCONT.
      opts.log(`${layout.label}: pid ${existing} was SIGSTOPped, sending SIGCONT`);
      process.kill(existing, 'SIGCONT');
    }
    await waitForReady(driver, existing, undefined, fileSize(layout.logFile));
    opts.log(`${layout.label}: reusing pid ${existing} on ${address(layout)}`);
    const stale = driver.staleSettings?.();
    if (stale !== undefined && stale.length > 0) {
      opts.log(`${layout.label}: WARNING it runs with settings this checkout changed (${stale.join(', ')}): infra down, then infra up, to apply them`);
    }
    return runningStatus(layout, existing);
  }
  await removePidFile(layout.pidFile);
  for (const port of driver.ports) {
    if (!(await isPortOpen(layout.host, port))) continue;
    const variable = PORT_VARIABLES[opts.profile][layout.name];
    throw new InfraError(
      'INFRA_PORT_IN_USE',
      `${layout.host}:${port} is taken by a process that is not this profile's ${layout.label}; stop it, or point ` +
        `${layout.name === 'kafka' ? 'KAFKA_BROKERS' : 'MONGODB_URI'} at it, or move with ${variable}` +
        `${layout.name === 'kafka' ? ' (the controller takes the next port)' : ''}`,
      { component: layout.label, address: `${layout.host}:${port}` },
    );
  }

  const started = Date.now();
  await driver.prepare({ fresh: opts.fresh, log: opts.log });
  await mkdir(layout.dataDir, { recursive: true });
  if (opts.fresh) await truncate(layout.logFile).catch(() => {});
  else if (fileSize(layout.logFile) > LOG_ROTATE_BYTES) await rename(layout.logFile, `${layout.logFile}.1`);
  const logOffset = fileSize(layout.logFile);
  const { file, args } = driver.command();
  const child = await spawnDetached({
    file,
    args,
    cwd: layout.dataDir,
    logFile: layout.logFile,
    pidFile: layout.pidFile,
    env: opts.env,
  }).catch((err: unknown) => {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing) throw err;
    throw new InfraError(
      'INFRA_TOOL_MISSING',
      `${file} not found (${driver.toolHint})`,
      { file },
      {
        cause: err,
      },
    );
  });
  opts.log(`${layout.label}: started pid ${child.pid}, log ${layout.logFile}`);
  try {
    await waitForReady(driver, child.pid, child, logOffset);
  } catch (err) {
    await terminateProcess(child.pid, layout.instanceTag, STOP_GRACE_MS);
    await removePidFile(layout.pidFile);
    throw err;
  }
  opts.log(`${layout.label}: ready on ${address(layout)} in ${Date.now() - started} ms`);
  return runningStatus(layout, child.pid);
}

/** SIGTERM, wait, SIGKILL only after STOP_GRACE_MS; then the pid file goes. No-op when nothing runs. */
export async function stopComponentProcess(layout: ComponentLayout, log: LogFn): Promise<void> {
  const pid = runningPid(layout.pidFile, layout.instanceTag);
  if (pid !== undefined) {
    const started = Date.now();
    const outcome = await terminateProcess(pid, layout.instanceTag, STOP_GRACE_MS);
    log(`${layout.label}: pid ${pid} ${outcome} in ${Date.now() - started} ms`);
  }
  await removePidFile(layout.pidFile);
}
