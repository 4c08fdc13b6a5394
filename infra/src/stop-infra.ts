import { stopComponentProcess } from './component-runtime.ts';
import { PROFILE_LOCK_TIMEOUT_MS } from './component-drivers.ts';
import { resolveProfileLayout } from './profile-layout.ts';
import { withProfileLock } from './profile-lock.ts';
import type { LogFn, Profile } from './types.ts';

/**
 * Stops every component of `profile` (each Kafka node and both stores; SIGTERM, SIGKILL only after 20 s) and removes
 * their pid files. No-op when nothing runs. Processes named by KAFKA_BROKERS / MONGODB_URI are never ours to stop.
 */
export async function stopInfra(opts: { profile: Profile; log?: LogFn; env?: NodeJS.ProcessEnv }): Promise<void> {
  const log = opts.log ?? (() => {});
  const layout = resolveProfileLayout(opts.profile, opts.env ?? process.env);
  await withProfileLock(layout.lockFile, PROFILE_LOCK_TIMEOUT_MS, async () => {
    // The nodes of a cluster stop together: one after the other, the last would wait for a quorum that is gone.
    await Promise.all([...layout.kafkaNodes, layout.mongo, layout.secantus].map((component) => stopComponentProcess(component, log)));
  });
}
