import type { ComponentDriver } from './component-driver.ts';
import { resolveInfraArtifacts } from './infra-artifacts.ts';
import { kafkaComponent } from './kafka-component.ts';
import { mongoComponent } from './mongo-component.ts';
import { resolveProfileLayout, type ProfileLayout } from './profile-layout.ts';
import type { ComponentName, Profile } from './types.ts';

export interface ProfileDrivers {
  layout: ProfileLayout;
  drivers: Record<ComponentName, ComponentDriver>;
}

/** The layout and both drivers of a profile. Reads the poms (for versions and cache paths); starts nothing. */
export function profileDrivers(profile: Profile, env: NodeJS.ProcessEnv): ProfileDrivers {
  const layout = resolveProfileLayout(profile, env);
  const artifacts = resolveInfraArtifacts(env);
  return {
    layout,
    drivers: {
      kafka: kafkaComponent(layout.kafka, artifacts.kafka, profile, env),
      mongo: mongoComponent(layout.mongo, artifacts.mongo, env),
    },
  };
}

/** Starts and stops of one profile are serialised across processes; a cold Kafka start is the longest wait. */
export const PROFILE_LOCK_TIMEOUT_MS = 180_000;
