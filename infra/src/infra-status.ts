import { componentStatus } from './component-runtime.ts';
import { kafkaStatus } from './kafka-status.ts';
import { resolveProfileLayout } from './profile-layout.ts';
import type { ComponentStatus, InfraStatus, Profile } from './types.ts';

function orExternal(status: ComponentStatus, externalAddress: string | undefined): ComponentStatus {
  if (status.state === 'running' || status.state === 'degraded' || !externalAddress) return status;
  return { state: 'external', address: externalAddress };
}

/** What runs for `profile` now, from the pid files (a pid counts only if it is still our JVM). */
export async function infraStatus(opts: { profile: Profile; env?: NodeJS.ProcessEnv }): Promise<InfraStatus> {
  const env = opts.env ?? process.env;
  const layout = resolveProfileLayout(opts.profile, env);
  return {
    kafka: orExternal(kafkaStatus(layout), env.KAFKA_BROKERS?.trim()),
    mongo: orExternal(componentStatus(layout.mongo), env.MONGODB_URI?.trim()),
    secantus: orExternal(componentStatus(layout.secantus), env.MONGODB_URI?.trim()),
  };
}
