import { componentStatus } from './component-runtime.ts';
import { kafkaBrokersFor, type ProfileLayout } from './profile-layout.ts';
import type { ComponentStatus, KafkaNodeStatus } from './types.ts';

/**
 * Kafka of a profile as one status. One node (dev, test): that node's status, as it always was. Several (cluster):
 * `running` when every node runs, `stopped` when none does, else `degraded`; each node's own in `nodes`.
 */
export function kafkaStatus(layout: ProfileLayout, nodes: readonly ComponentStatus[] = layout.kafkaNodes.map(componentStatus)): ComponentStatus {
  if (layout.kafkaNodes.length === 1 && nodes[0] !== undefined) return nodes[0];
  const withIds: KafkaNodeStatus[] = nodes.map((s, i) => ({ ...s, nodeId: layout.kafkaNodes[i]!.nodeId }));
  const running = withIds.filter((s) => s.state === 'running').length;
  const state = running === withIds.length ? 'running' : running === 0 ? 'stopped' : 'degraded';
  return { state, address: kafkaBrokersFor(layout).join(','), dataDir: layout.stateDir, nodes: withIds };
}
