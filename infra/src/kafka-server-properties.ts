import type { KafkaLayout } from './profile-layout.ts';
import type { Profile } from './types.ts';

/** The test broker's fault listener binds here (port + 2)… */
export const faultsListenerPort = (layout: KafkaLayout): number => layout.port + 2;
/** …and advertises this one (port + 3), where a fault test's proxy listens and forwards to the listener. */
export const faultsProxyPort = (layout: KafkaLayout): number => layout.port + 3;

/**
 * server.properties of a single combined broker + controller in KRaft mode (Kafka 4.x style: a dynamic quorum
 * bootstrapped with `StorageTool format --standalone`, KIP-853). Pure.
 */
export function renderKafkaServerProperties(layout: KafkaLayout, profile: Profile): string {
  const plain = `${layout.host}:${layout.port}`;
  const controller = `${layout.host}:${layout.controllerPort}`;
  // Test profile only: a third listener that advertises a port nobody listens on but a fault test's TCP proxy
  // (packages/testing tcp-fault-proxy.ts), so a client bootstrapped there sends everything through the proxy.
  const faults = profile === 'test' ? { bind: `${layout.host}:${faultsListenerPort(layout)}`, advertised: `${layout.host}:${faultsProxyPort(layout)}` } : undefined;
  const listeners = [`PLAINTEXT://${plain}`, `CONTROLLER://${controller}`, ...(faults ? [`FAULTS://${faults.bind}`] : [])];
  const advertised = [`PLAINTEXT://${plain}`, `CONTROLLER://${controller}`, ...(faults ? [`FAULTS://${faults.advertised}`] : [])];
  const settings: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.bootstrap.servers', controller],
    ['listeners', listeners.join(',')],
    ['advertised.listeners', advertised.join(',')],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', `CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${faults ? ',FAULTS:PLAINTEXT' : ''}`],
    ['log.dirs', layout.logDir],
    // One broker: every internal topic has one replica.
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    // Topics come from infra/topics.json only; a typo in a topic name must fail, not create a topic.
    ['auto.create.topics.enable', false],
    ['num.partitions', 12],
    ['group.initial.rebalance.delay.ms', 0],
    // 50 partitions (the default) for __consumer_offsets buy nothing on one broker and slow the first join.
    ['offsets.topic.num.partitions', 12],
    ['transaction.state.log.num.partitions', 12],
  ];
  if (profile === 'test') {
    // Many short-lived topics: keep segments and their preallocated indexes small (1 MiB is the 4.x minimum).
    settings.push(['log.segment.bytes', 1024 * 1024], ['log.index.size.max.bytes', 1024 * 1024]);
  }
  const header = `# Written by infra/src/kafka-server-properties.ts (${profile} profile) on every start; edits are lost.\n`;
  return header + settings.map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n';
}
