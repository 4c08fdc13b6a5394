import type { KafkaLayout } from './profile-layout.ts';
import type { Profile } from './types.ts';

/** The test broker's fault listener binds here (port + 2)… */
export const faultsListenerPort = (layout: KafkaLayout): number => layout.port + 2;
/** …and advertises this one (port + 3), where a fault test's proxy listens and forwards to the listener. */
export const faultsProxyPort = (layout: KafkaLayout): number => layout.port + 3;

/**
 * Broker settings that bound what a produce request, a record batch or a fetch may carry. No profile sets any of
 * them: dev, test and cluster run with Kafka's defaults, as production does (docs/limits.md). Per-topic limits
 * (`max.message.bytes`, `segment.bytes`) come from infra/topics.json, the same file production applies.
 */
export const SIZE_LIMIT_KEYS = [
  'message.max.bytes',
  'log.segment.bytes',
  'replica.fetch.max.bytes',
  'replica.fetch.response.max.bytes',
  'socket.request.max.bytes',
  'fetch.max.bytes',
  'queued.max.request.bytes',
  'max.request.size',
  'offset.metadata.max.bytes',
] as const;

/** Size settings a profile may change because no request can fail on them. */
export const HARMLESS_SIZE_KEYS = ['log.index.size.max.bytes'] as const;

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
    // Many short-lived topics: keep each segment's preallocated index files small (1 MiB, not 10). Harmless: a full
    // index only rolls the segment early. Nothing that limits what a request may carry is set here, in any profile
    // (SIZE_LIMIT_KEYS): a test must meet the limits production has (issue 14: log.segment.bytes at 1 MiB here made a
    // 2.9 MB body fail with RECORD_LIST_TOO_LARGE, which production's 1 GiB default accepts).
    settings.push(['log.index.size.max.bytes', 1024 * 1024]);
  }
  const header = `# Written by infra/src/kafka-server-properties.ts (${profile} profile) on every start; edits are lost.\n`;
  return header + settings.map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n';
}

/**
 * The settings whose values differ between two server.properties texts (added, removed or changed), sorted: what a
 * running broker started from `running` lacks of what this checkout would start it with (`wanted`).
 */
export function changedSettings(running: string, wanted: string): string[] {
  const parse = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
  const a = parse(running);
  const b = parse(wanted);
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}
