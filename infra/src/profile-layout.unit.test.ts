import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialControllers } from './kafka-quorum.ts';
import { changedSettings, HARMLESS_SIZE_KEYS, renderKafkaServerProperties, SIZE_LIMIT_KEYS } from './kafka-server-properties.ts';
import { kafkaBrokersFor, mongoUriFor, resolveProfileLayout } from './profile-layout.ts';

const properties = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

test('given the cluster profile, then three nodes, each its own ports, files and instance tag, beside dev and test', () => {
  const l = resolveProfileLayout('cluster', { WABUS_CACHE_DIR: '/c' });
  assert.equal(l.stateDir, '/c/state/cluster');
  assert.equal(l.freshOnStart, true);
  assert.deepEqual(
    l.kafkaNodes.map((n) => [n.nodeId, n.label, n.port, n.controllerPort, n.dataDir, n.logFile, n.pidFile, n.instanceTag]),
    [
      [1, 'kafka-1', 29092, 29093, '/c/state/cluster/kafka-1', '/c/state/cluster/kafka-1.log', '/c/state/cluster/kafka-1.pid', 'kafka-1@/c/state/cluster'],
      [2, 'kafka-2', 29094, 29095, '/c/state/cluster/kafka-2', '/c/state/cluster/kafka-2.log', '/c/state/cluster/kafka-2.pid', 'kafka-2@/c/state/cluster'],
      [3, 'kafka-3', 29096, 29097, '/c/state/cluster/kafka-3', '/c/state/cluster/kafka-3.log', '/c/state/cluster/kafka-3.pid', 'kafka-3@/c/state/cluster'],
    ],
  );
  assert.deepEqual(kafkaBrokersFor(l), ['127.0.0.1:29092', '127.0.0.1:29094', '127.0.0.1:29096']);
  assert.deepEqual([l.mongo.port, l.mongo.backend], [47017, { kind: 'memory' }]);
  const ports = l.kafkaNodes.flatMap((n) => [n.port, n.controllerPort]);
  for (const other of [resolveProfileLayout('dev', {}), resolveProfileLayout('test', {})]) {
    assert.ok(!ports.includes(other.kafka.port) && !ports.includes(other.kafka.controllerPort), `apart from ${other.profile}`);
  }
});

test('given WABUS_CLUSTER_KAFKA_PORT and WABUS_CLUSTER_MONGO_PORT, then they move the cluster only; WABUS_KAFKA_PORT moves dev and test only', () => {
  const env = { WABUS_CLUSTER_KAFKA_PORT: '25092', WABUS_CLUSTER_MONGO_PORT: '49017', WABUS_KAFKA_PORT: '23092', WABUS_MONGO_PORT: '39017' };
  const cluster = resolveProfileLayout('cluster', env);
  assert.deepEqual(
    cluster.kafkaNodes.map((n) => n.port),
    [25092, 25094, 25096],
  );
  assert.equal(cluster.mongo.port, 49017);
  const testLayout = resolveProfileLayout('test', env);
  assert.deepEqual([testLayout.kafkaNodes.length, testLayout.kafka.port, testLayout.mongo.port], [1, 23092, 39017]);
  assert.throws(() => resolveProfileLayout('cluster', { WABUS_CLUSTER_KAFKA_PORT: '65533' }), /WABUS_CLUSTER_KAFKA_PORT/);
});

test('given a cluster node, then its server.properties name all three controllers and replicate internal topics 3 times, 2 in sync', () => {
  const node = resolveProfileLayout('cluster', {}).kafkaNodes[1]!;
  const p = properties(renderKafkaServerProperties(node, 'cluster'));
  assert.equal(p.get('node.id'), '2');
  assert.equal(p.get('process.roles'), 'broker,controller');
  assert.equal(p.get('controller.quorum.bootstrap.servers'), '127.0.0.1:29093,127.0.0.1:29095,127.0.0.1:29097');
  assert.equal(p.has('controller.quorum.voters'), false, 'one style only: the dynamic quorum (KIP-853)');
  assert.equal(p.get('listeners'), 'PLAINTEXT://127.0.0.1:29094,CONTROLLER://127.0.0.1:29095');
  for (const [key, value] of [
    ['offsets.topic.replication.factor', '3'],
    ['transaction.state.log.replication.factor', '3'],
    ['transaction.state.log.min.isr', '2'],
    ['share.coordinator.state.topic.replication.factor', '3'],
    ['share.coordinator.state.topic.min.isr', '2'],
    ['default.replication.factor', '3'],
    ['min.insync.replicas', '2'],
    ['unclean.leader.election.enable', 'false'],
  ]) {
    assert.equal(p.get(key!), value, key);
  }
  const single = properties(renderKafkaServerProperties(resolveProfileLayout('test', {}).kafka, 'test'));
  assert.deepEqual([single.get('node.id'), single.get('offsets.topic.replication.factor'), single.has('min.insync.replicas')], ['1', '1', false]);
});

test('given a quorum, then --initial-controllers names every controller with its directory id, the same for every node', () => {
  const l = resolveProfileLayout('cluster', {});
  const quorum = { clusterId: 'c', directoryIds: { '1': 'd1', '2': 'd2', '3': 'd3' } };
  const strings = l.kafkaNodes.map((n) => initialControllers(n.voters, quorum));
  assert.deepEqual(new Set(strings), new Set(['1@127.0.0.1:29093:d1,2@127.0.0.1:29095:d2,3@127.0.0.1:29097:d3']));
});

test('given WABUS_TEST_INSTANCE, then the test profile has a second instance: its own state, lock and instance tags; a bad name or port is coded', () => {
  const first = resolveProfileLayout('test', { WABUS_CACHE_DIR: '/c' });
  const second = resolveProfileLayout('test', { WABUS_CACHE_DIR: '/c', WABUS_TEST_INSTANCE: 'faults', WABUS_KAFKA_PORT: '19192', WABUS_MONGO_PORT: '37117' });
  assert.equal(first.stateDir, '/c/state/test');
  assert.equal(second.stateDir, '/c/state/test-faults');
  assert.equal(second.cacheDir, '/c', 'the downloads are shared');
  assert.equal(second.lockFile, '/c/state/test-faults/.lock');
  assert.deepEqual([second.kafka.port, second.kafka.controllerPort, second.mongo.port], [19192, 19193, 37117]);
  assert.notEqual(second.kafka.instanceTag, first.kafka.instanceTag);
  assert.notEqual(second.mongo.instanceTag, first.mongo.instanceTag);
  assert.equal(resolveProfileLayout('cluster', { WABUS_CACHE_DIR: '/c', WABUS_TEST_INSTANCE: 'faults' }).stateDir, '/c/state/cluster', 'test profile only');
  for (const bad of ['Faults', '../x', 'a b', '-x', 'x'.repeat(33)]) {
    assert.throws(
      () => resolveProfileLayout('test', { WABUS_TEST_INSTANCE: bad }),
      (e: { code?: string; details?: { variable?: string } }) => e.code === 'INFRA_BAD_SETTING' && e.details?.variable === 'WABUS_TEST_INSTANCE',
      bad,
    );
  }
  assert.throws(
    () => resolveProfileLayout('test', { WABUS_KAFKA_PORT: '70000' }),
    (e: { code?: string; message?: string }) => e.code === 'INFRA_BAD_SETTING' && /WABUS_KAFKA_PORT must be a TCP port/.test(e.message ?? ''),
  );
});

test('given each profile, then SecantusDB has its own port, files and instance tag; WABUS_SECANTUS_PORT and WABUS_CLUSTER_SECANTUS_PORT move it', () => {
  const ports = (env: NodeJS.ProcessEnv) => (['dev', 'test', 'cluster'] as const).map((p) => resolveProfileLayout(p, env).secantus.port);
  assert.deepEqual(ports({}), [28017, 38017, 48017]);
  assert.deepEqual(ports({ WABUS_SECANTUS_PORT: '38500', WABUS_CLUSTER_SECANTUS_PORT: '48500' }), [38500, 38500, 48500]);
  const l = resolveProfileLayout('test', { WABUS_CACHE_DIR: '/c' });
  assert.deepEqual(
    [l.secantus.dataDir, l.secantus.storageDir, l.secantus.configFile, l.secantus.logFile, l.secantus.pidFile, l.secantus.instanceTag],
    [
      '/c/state/test/secantus',
      '/c/state/test/secantus/data',
      '/c/state/test/secantus/secantusd.toml',
      '/c/state/test/secantus.log',
      '/c/state/test/secantus.pid',
      'secantus@/c/state/test',
    ],
  );
  for (const profile of ['dev', 'test', 'cluster'] as const) {
    const layout = resolveProfileLayout(profile, {});
    const others = [...layout.kafkaNodes.flatMap((n) => [n.port, n.controllerPort]), layout.mongo.port];
    assert.ok(!others.includes(layout.secantus.port), `apart from the other components of ${profile}`);
  }
  // Without retryable writes, which cost SecantusDB ~25 ms a write once 10,000 were made (docs/stores.md).
  assert.equal(mongoUriFor(l.secantus), 'mongodb://127.0.0.1:38017/?directConnection=true&retryWrites=false');
  assert.equal(mongoUriFor(l.mongo), 'mongodb://127.0.0.1:37017/?directConnection=true');
  assert.throws(
    () => resolveProfileLayout('test', { WABUS_SECANTUS_PORT: 'x' }),
    (e: { code?: string; details?: { variable?: string } }) => e.code === 'INFRA_BAD_SETTING' && e.details?.variable === 'WABUS_SECANTUS_PORT',
  );
});

test('no profile overrides a size limit: dev, test and cluster brokers take what production takes (issue 14)', () => {
  const rendered: [string, Map<string, string>][] = [
    ['dev', properties(renderKafkaServerProperties(resolveProfileLayout('dev', {}).kafka, 'dev'))],
    ['test', properties(renderKafkaServerProperties(resolveProfileLayout('test', {}).kafka, 'test'))],
    ...resolveProfileLayout('cluster', {}).kafkaNodes.map((n): [string, Map<string, string>] => [
      `cluster node ${n.nodeId}`,
      properties(renderKafkaServerProperties(n, 'cluster')),
    ]),
  ];
  for (const [profile, p] of rendered) {
    for (const key of SIZE_LIMIT_KEYS) assert.equal(p.has(key), false, `${profile} sets ${key}=${p.get(key)}`);
    // A size setting not on either list is a new one: decide which it is before it ships.
    const sized = [...p.keys()].filter((k) => /bytes|size/.test(k));
    for (const key of sized)
      assert.ok((HARMLESS_SIZE_KEYS as readonly string[]).includes(key), `${profile} sets ${key}, a size setting not known to be harmless`);
  }
  // The one size setting kept is the same wherever it is set.
  const kept = rendered.map(([, p]) => p.get('log.index.size.max.bytes'));
  assert.deepEqual(kept, [undefined, '1048576', '1048576', '1048576', '1048576']);
});

test('given a broker started by an older checkout, then the settings this one changed are named (reused brokers keep theirs until restarted)', () => {
  const layout = resolveProfileLayout('test', {}).kafka;
  const now = renderKafkaServerProperties(layout, 'test');
  const before = now.replace('log.index.size.max.bytes=1048576', 'log.segment.bytes=1048576\nlog.index.size.max.bytes=1048576');
  assert.deepEqual(changedSettings(before, now), ['log.segment.bytes']);
  assert.deepEqual(changedSettings(now, now), []);
  assert.deepEqual(changedSettings(now.replace('num.partitions=12', 'num.partitions=3'), now), ['num.partitions']);
});
