import type { ComponentDriver } from './component-driver.ts';
import { InfraError } from './errors.ts';
import { resolveInfraArtifacts } from './infra-artifacts.ts';
import { kafkaComponent } from './kafka-component.ts';
import { mongoComponent } from './mongo-component.ts';
import { secantusComponent } from './secantus-component.ts';
import { resolveProfileLayout, type ProfileLayout } from './profile-layout.ts';
import type { ComponentName, Profile } from './types.ts';

export interface ProfileDrivers {
  layout: ProfileLayout;
  /** One driver per Kafka node (node 1 first) and each store's. */
  drivers: { kafka: ComponentDriver[]; mongo: ComponentDriver; secantus: ComponentDriver };
}

/** The layout and every driver of a profile. Reads the poms (for versions and cache paths); starts nothing. */
export function profileDrivers(profile: Profile, env: NodeJS.ProcessEnv): ProfileDrivers {
  const layout = resolveProfileLayout(profile, env);
  const artifacts = resolveInfraArtifacts(env);
  return {
    layout,
    drivers: {
      kafka: layout.kafkaNodes.map((node) => kafkaComponent(node, artifacts.kafka, profile, env, layout.quorumFile)),
      mongo: mongoComponent(layout.mongo, artifacts.mongo, env),
      secantus: secantusComponent(layout.secantus, artifacts.secantus),
    },
  };
}

/**
 * The drivers `name` (and `node`, a Kafka node id) mean: a store's, every Kafka node's, or one node's. An unknown
 * node is INFRA_NO_SUCH_NODE.
 */
export function selectDrivers(p: ProfileDrivers, name: ComponentName, node?: number): ComponentDriver[] {
  if (name !== 'kafka') return [p.drivers[name]];
  if (node === undefined) return p.drivers.kafka;
  const driver = p.drivers.kafka[p.layout.kafkaNodes.findIndex((n) => n.nodeId === node)];
  if (driver === undefined) {
    const ids = p.layout.kafkaNodes.map((n) => n.nodeId).join(', ');
    throw new InfraError('INFRA_NO_SUCH_NODE', `profile ${p.layout.profile} has no Kafka node ${node} (nodes: ${ids})`, { node });
  }
  return [driver];
}

/** Starts and stops of one profile are serialised across processes; a cold Kafka start is the longest wait. */
export const PROFILE_LOCK_TIMEOUT_MS = 180_000;
