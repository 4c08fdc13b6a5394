import type { KafkaLayout } from './profile-layout.ts';
import type { Profile } from './types.ts';

/** The test broker's fault listener binds here (port + 2)… */
export const faultsListenerPort = (layout: KafkaLayout): number => layout.port + 2;
/** …and advertises this one (port + 3), where a fault test's proxy listens and forwards to the listener. */
export const faultsProxyPort = (layout: KafkaLayout): number => layout.port + 3;

/**
 * server.properties of one combined broker + controller in KRaft mode, Kafka 4.x style: a dynamic quorum (KIP-853)
 * found through `controller.quorum.bootstrap.servers`, bootstrapped at format time with `--standalone` (one node) or
 * `--initial-controllers` (the cluster profile's three). Pure.
 */
export function renderKafkaServerProperties(layout: KafkaLayout, profile: Profile): string {
  const plain = `${layout.host}:${layout.port}`;
  const controller = `${layout.host}:${layout.controllerPort}`;
  // Test profile only: a third listener that advertises a port nobody listens on but a fault test's TCP proxy
  // (packages/testing tcp-fault-proxy.ts), so a client bootstrapped there sends everything through the proxy.
  const faults =
    profile === 'test' ? { bind: `${layout.host}:${faultsListenerPort(layout)}`, advertised: `${layout.host}:${faultsProxyPort(layout)}` } : undefined;
  const listeners = [`PLAINTEXT://${plain}`, `CONTROLLER://${controller}`, ...(faults ? [`FAULTS://${faults.bind}`] : [])];
  const advertised = [`PLAINTEXT://${plain}`, `CONTROLLER://${controller}`, ...(faults ? [`FAULTS://${faults.advertised}`] : [])];
  // One replica per node, and at least two in sync for acks=all once there are three (the cluster profile).
  const replicas = layout.voters.length;
  const minIsr = replicas >= 3 ? 2 : 1;
  const settings: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', layout.nodeId],
    ['controller.quorum.bootstrap.servers', layout.voters.map((v) => `${v.host}:${v.controllerPort}`).join(',')],
    ['listeners', listeners.join(',')],
    ['advertised.listeners', advertised.join(',')],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', `CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${faults ? ',FAULTS:PLAINTEXT' : ''}`],
    ['log.dirs', layout.logDir],
    // Internal topics: a replica on every node (one broker: one replica).
    ['offsets.topic.replication.factor', replicas],
    ['transaction.state.log.replication.factor', replicas],
    ['transaction.state.log.min.isr', minIsr],
    ['share.coordinator.state.topic.replication.factor', replicas],
    ['share.coordinator.state.topic.min.isr', minIsr],
    // Topics come from infra/topics.json only; a typo in a topic name must fail, not create a topic.
    ['auto.create.topics.enable', false],
    ['num.partitions', 12],
    ['group.initial.rebalance.delay.ms', 0],
    // 50 partitions (the default) for __consumer_offsets buy nothing on one broker and slow the first join.
    ['offsets.topic.num.partitions', 12],
    ['transaction.state.log.num.partitions', 12],
  ];
  if (replicas >= 3) {
    settings.push(
      // For topics created without their own settings (tests, tools): the same durability as topics.cluster.json.
      ['default.replication.factor', replicas],
      ['min.insync.replicas', minIsr],
      // Never elect a replica that was out of sync: acknowledged records would be lost (the default, said aloud).
      ['unclean.leader.election.enable', false],
    );
  }
  if (profile !== 'dev') {
    // Many short-lived topics: keep segments and their preallocated indexes small (1 MiB is the 4.x minimum).
    settings.push(['log.segment.bytes', 1024 * 1024], ['log.index.size.max.bytes', 1024 * 1024]);
  }
  const header = `# Written by infra/src/kafka-server-properties.ts (${profile} profile) on every start; edits are lost.\n`;
  return header + settings.map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n';
}
