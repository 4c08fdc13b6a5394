import { ensureComponentRunning, stopComponentProcess } from './component-runtime.ts';
import { PROFILE_LOCK_TIMEOUT_MS, profileDrivers, selectDrivers } from './component-drivers.ts';
import { InfraError } from './errors.ts';
import { kafkaStatus } from './kafka-status.ts';
import { runningPid } from './process-control.ts';
import { faultsListenerPort, faultsProxyPort } from './kafka-server-properties.ts';
import { resolveProfileLayout, type ComponentLayout } from './profile-layout.ts';
import { withProfileLock } from './profile-lock.ts';
import type { ComponentName, ComponentStatus, LogFn, Profile } from './types.ts';

type FaultSignal = 'SIGSTOP' | 'SIGCONT' | 'SIGKILL';

function componentLayouts(profile: Profile, name: ComponentName, env: NodeJS.ProcessEnv): ComponentLayout[] {
  const layout = resolveProfileLayout(profile, env);
  return name === 'kafka' ? layout.kafkaNodes : [layout[name]];
}

/**
 * Fault injection: SIGSTOP freezes the component (connections stay open, nothing answers), SIGCONT resumes it,
 * SIGKILL ends it at once (no shutdown; startComponent brings it back on its data). `kafka` of the cluster profile
 * is every node that runs (one node: signalKafkaNode). Throws INFRA_NOT_RUNNING when nothing of it runs.
 */
export function signalComponent(profile: Profile, name: ComponentName, signal: FaultSignal, env: NodeJS.ProcessEnv = process.env): void {
  const pids = componentLayouts(profile, name, env).flatMap((l) => runningPid(l.pidFile, l.instanceTag) ?? []);
  if (pids.length === 0) {
    throw new InfraError('INFRA_NOT_RUNNING', `${name} of profile ${profile} is not running`, { component: name });
  }
  for (const pid of pids) process.kill(pid, signal);
}

/**
 * The same for one Kafka node (its node.id; 1 is the only one of dev and test), e.g. SIGKILL the leader of a
 * partition. Resolves with the pid signalled; INFRA_NOT_RUNNING when that node does not run.
 */
export function signalKafkaNode(profile: Profile, nodeId: number, signal: FaultSignal, env: NodeJS.ProcessEnv = process.env): number {
  const layout = resolveProfileLayout(profile, env);
  const node = layout.kafkaNodes.find((n) => n.nodeId === nodeId);
  if (node === undefined) {
    const ids = layout.kafkaNodes.map((n) => n.nodeId).join(', ');
    throw new InfraError('INFRA_NO_SUCH_NODE', `profile ${profile} has no Kafka node ${nodeId} (nodes: ${ids})`, { node: nodeId });
  }
  const pid = runningPid(node.pidFile, node.instanceTag);
  if (pid === undefined) {
    throw new InfraError('INFRA_NOT_RUNNING', `${node.label} of profile ${profile} is not running`, { component: node.label });
  }
  process.kill(pid, signal);
  return pid;
}

/**
 * Graceful stop (SIGTERM; data kept), e.g. to test a broker outage: the store, Kafka (every node), or with `node`
 * one Kafka node.
 */
export async function stopComponent(profile: Profile, name: ComponentName, opts: { log?: LogFn; env?: NodeJS.ProcessEnv; node?: number } = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const selected = selectDrivers(profileDrivers(profile, env), name, opts.node);
  const { lockFile } = resolveProfileLayout(profile, env);
  await withProfileLock(lockFile, PROFILE_LOCK_TIMEOUT_MS, async () => {
    await Promise.all(selected.map((d) => stopComponentProcess(d.layout, opts.log ?? (() => {}))));
  });
}

/**
 * Starts a component again on the same ports and data directory (never wiped, even for `test`), waiting for
 * readiness; reuses what already runs. `kafka` is every node (cluster: side by side, the status of all), `node` one
 * of them (ready once it is a registered broker again). Expects installInfra/startInfra to have run once.
 */
export async function startComponent(
  profile: Profile,
  name: ComponentName,
  opts: { log?: LogFn; env?: NodeJS.ProcessEnv; node?: number } = {},
): Promise<ComponentStatus> {
  const env = opts.env ?? process.env;
  const profileSet = profileDrivers(profile, env);
  const selected = selectDrivers(profileSet, name, opts.node);
  return withProfileLock(profileSet.layout.lockFile, PROFILE_LOCK_TIMEOUT_MS, async () => {
    const statuses = await Promise.all(selected.map((d) => ensureComponentRunning(d, { fresh: false, log: opts.log ?? (() => {}), env, profile })));
    if (name === 'kafka' && opts.node === undefined) return kafkaStatus(profileSet.layout, statuses);
    return statuses[0]!;
  });
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
