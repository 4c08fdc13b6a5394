import { ensureComponentRunning, stopComponentProcess } from './component-runtime.ts';
import { PROFILE_LOCK_TIMEOUT_MS, profileDrivers } from './component-drivers.ts';
import { InfraError } from './errors.ts';
import { runningPid } from './process-control.ts';
import { faultsListenerPort, faultsProxyPort } from './kafka-server-properties.ts';
import { resolveProfileLayout } from './profile-layout.ts';
import { withProfileLock } from './profile-lock.ts';
import type { ComponentName, ComponentStatus, LogFn, Profile } from './types.ts';

/**
 * Fault injection: SIGSTOP freezes the component (connections stay open, nothing answers), SIGCONT resumes it,
 * SIGKILL ends it at once (no shutdown; startComponent brings it back on its data). Throws INFRA_NOT_RUNNING when the component of this profile does not run.
 */
export function signalComponent(
  profile: Profile,
  name: ComponentName,
  signal: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL',
  env: NodeJS.ProcessEnv = process.env,
): void {
  const layout = resolveProfileLayout(profile, env)[name];
  const pid = runningPid(layout.pidFile, layout.instanceTag);
  if (pid === undefined) {
    throw new InfraError('INFRA_NOT_RUNNING', `${name} of profile ${profile} is not running`, { component: name });
  }
  process.kill(pid, signal);
}

/** Graceful stop of one component (SIGTERM; data kept), e.g. to test a broker outage. */
export async function stopComponent(
  profile: Profile,
  name: ComponentName,
  opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const layout = resolveProfileLayout(profile, opts.env ?? process.env);
  await withProfileLock(layout.lockFile, PROFILE_LOCK_TIMEOUT_MS, () =>
    stopComponentProcess(layout[name], opts.log ?? (() => {})),
  );
}

/**
 * Starts one component again on the same port and data directory (never wiped, even for `test`), waiting for
 * readiness; reuses it when it already runs. Expects installInfra/startInfra to have run once.
 */
export async function startComponent(
  profile: Profile,
  name: ComponentName,
  opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {},
): Promise<ComponentStatus> {
  const env = opts.env ?? process.env;
  const { layout, drivers } = profileDrivers(profile, env);
  return withProfileLock(layout.lockFile, PROFILE_LOCK_TIMEOUT_MS, () =>
    ensureComponentRunning(drivers[name], { fresh: false, log: opts.log ?? (() => {}), env }),
  );
}

/**
 * The test broker's fault listener: a TCP proxy listening on `proxy` and forwarding to `listener` carries every
 * request of a client bootstrapped at `proxy` (the listener advertises the proxy's address), so a test can drop
 * responses or cut connections between that client and the broker.
 */
export function kafkaFaultListener(env: NodeJS.ProcessEnv = process.env): { proxy: { host: string; port: number }; listener: { host: string; port: number } } {
  const { kafka } = resolveProfileLayout('test', env);
  return { proxy: { host: kafka.host, port: faultsProxyPort(kafka) }, listener: { host: kafka.host, port: faultsListenerPort(kafka) } };
}
