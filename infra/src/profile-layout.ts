import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InfraError } from './errors.ts';
import type { ComponentName, Profile } from './types.ts';

export interface ComponentLayout {
  name: ComponentName;
  /** How logs and errors name it: `kafka`, `mongo`, or `kafka-2` for a node of the cluster profile. */
  label: string;
  host: string;
  port: number;
  /** Files of this component (config, data); wiped on a fresh start of the test profile. */
  dataDir: string;
  logFile: string;
  pidFile: string;
  /** On the JVM command line (`-Dwabus.instance=...`): tells our process from a reused pid. */
  instanceTag: string;
}

/** A controller of the KRaft quorum, as every node's `controller.quorum.bootstrap.servers` names it. */
export interface KafkaVoter {
  nodeId: number;
  host: string;
  controllerPort: number;
}

/** One Kafka node (a combined broker + controller): the only one of dev and test, one of three for cluster. */
export interface KafkaLayout extends ComponentLayout {
  name: 'kafka';
  nodeId: number;
  controllerPort: number;
  /** Every controller of the quorum, this node included: one for dev and test, three for cluster. */
  voters: KafkaVoter[];
  configDir: string;
  logDir: string;
}

export interface MongoLayout extends ComponentLayout {
  name: 'mongo';
  backend: { kind: 'memory' } | { kind: 'h2'; file: string };
}

/** SecantusDB: `data/` is its WiredTiger home, `secantusd.toml` the config it reads (and no other). */
export interface SecantusLayout extends ComponentLayout {
  name: 'secantus';
  configFile: string;
  storageDir: string;
}

export interface ProfileLayout {
  profile: Profile;
  cacheDir: string;
  stateDir: string;
  /** True for `test` and `cluster`: a component started anew gets empty state (Kafka: when no node of it runs). */
  freshOnStart: boolean;
  lockFile: string;
  /** The first Kafka node: for dev and test the only one. */
  kafka: KafkaLayout;
  /** Every Kafka node, node 1 first: one for dev and test, three for cluster. */
  kafkaNodes: KafkaLayout[];
  /** Cluster profile: the cluster id and controller directory ids every node is formatted with (KIP-853). */
  quorumFile: string;
  mongo: MongoLayout;
  /** The second store, SecantusDB: its own port, started only when a start asks for it (`store: 'secantus'`). */
  secantus: SecantusLayout;
}

const HOST = '127.0.0.1';

const DEFAULT_PORTS: Record<Profile, { kafka: number; mongo: number; secantus: number }> = {
  dev: { kafka: 9092, mongo: 27017, secantus: 28017 },
  test: { kafka: 19092, mongo: 37017, secantus: 38017 },
  // Node n: broker 29090 + 2n, controller the next port (29092-29097).
  cluster: { kafka: 29092, mongo: 47017, secantus: 48017 },
};

/**
 * The port variables of each profile. The cluster profile has its own, so that one `pnpm test` (test profile, then
 * cluster profile) can move both.
 */
export const PORT_VARIABLES: Record<Profile, Record<ComponentName, string>> = {
  dev: { kafka: 'WABUS_KAFKA_PORT', mongo: 'WABUS_MONGO_PORT', secantus: 'WABUS_SECANTUS_PORT' },
  test: { kafka: 'WABUS_KAFKA_PORT', mongo: 'WABUS_MONGO_PORT', secantus: 'WABUS_SECANTUS_PORT' },
  cluster: { kafka: 'WABUS_CLUSTER_KAFKA_PORT', mongo: 'WABUS_CLUSTER_MONGO_PORT', secantus: 'WABUS_CLUSTER_SECANTUS_PORT' },
};

/** Nodes of the cluster profile: three, each broker and controller (docs/infra.md says why not 3 + 3). */
export const CLUSTER_NODES = 3;

/** Downloads, compiled classes and the test profile's state: `WABUS_CACHE_DIR`, else `~/.cache/wabus`. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WABUS_CACHE_DIR) return resolve(env.WABUS_CACHE_DIR);
  return join(homedir(), '.cache', 'wabus');
}

/**
 * The state of a profile. `WABUS_TEST_INSTANCE=<name>` gives the test profile a second, independent instance
 * (`state/test-<name>`; with its own `WABUS_KAFKA_PORT` and `WABUS_MONGO_PORT`): the test runner runs the files that
 * stop or freeze their broker on one while the other files share the first.
 */
function resolveStateDir(profile: Profile, cacheDir: string, env: NodeJS.ProcessEnv): string {
  const instance = env.WABUS_TEST_INSTANCE ?? '';
  if (profile === 'test' && instance !== '') {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(instance))
      throw new InfraError('INFRA_BAD_SETTING', `WABUS_TEST_INSTANCE must be a short lower-case name (a-z, 0-9, -), got ${JSON.stringify(instance)}`, {
        variable: 'WABUS_TEST_INSTANCE',
      });
    return join(cacheDir, 'state', `test-${instance}`);
  }
  if (profile !== 'dev') return join(cacheDir, 'state', profile);
  if (env.WABUS_STATE_DIR) return resolve(env.WABUS_STATE_DIR);
  return join(homedir(), '.local', 'share', 'wabus', 'dev');
}

/** A base port from `env`; the component binds `span` ports from it (Kafka: broker and controller per node). */
function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, span: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  const highest = 65536 - Math.max(span, 2);
  if (!Number.isInteger(port) || port < 1 || port > highest) {
    throw new InfraError('INFRA_BAD_SETTING', `${name} must be a TCP port between 1 and ${highest}, got ${JSON.stringify(raw)}`, { variable: name });
  }
  return port;
}

/**
 * Kafka node `nodeId` of a profile. dev and test have one node, laid out as before the cluster profile existed
 * (`kafka/`, `kafka.log`); cluster node n has `kafka-n/`, `kafka-n.log`, broker port base + 2(n - 1) and the
 * controller on the next port.
 */
function kafkaNodeLayout(profile: Profile, stateDir: string, basePort: number, nodeId: number, voters: KafkaVoter[]): KafkaLayout {
  const label = profile === 'cluster' ? `kafka-${nodeId}` : 'kafka';
  const port = basePort + 2 * (nodeId - 1);
  const dataDir = join(stateDir, label);
  return {
    name: 'kafka',
    label,
    nodeId,
    host: HOST,
    port,
    controllerPort: port + 1,
    voters,
    dataDir,
    configDir: join(dataDir, 'config'),
    logDir: join(dataDir, 'data'),
    logFile: join(stateDir, `${label}.log`),
    pidFile: join(stateDir, `${label}.pid`),
    instanceTag: `${label}@${stateDir}`,
  };
}

/** Where each component of a profile listens and keeps its files. Pure: reads only `env`. */
export function resolveProfileLayout(profile: Profile, env: NodeJS.ProcessEnv = process.env): ProfileLayout {
  const cacheDir = resolveCacheDir(env);
  const stateDir = resolveStateDir(profile, cacheDir, env);
  const vars = PORT_VARIABLES[profile];
  const nodeCount = profile === 'cluster' ? CLUSTER_NODES : 1;
  // Ports from the base: broker and controller per node, plus the test broker's fault listener and its proxy.
  const kafkaPort = portFromEnv(env, vars.kafka, DEFAULT_PORTS[profile].kafka, profile === 'test' ? 4 : 2 * nodeCount);
  const mongoPort = portFromEnv(env, vars.mongo, DEFAULT_PORTS[profile].mongo, 1);
  const secantusPort = portFromEnv(env, vars.secantus, DEFAULT_PORTS[profile].secantus, 1);
  const mongoDir = join(stateDir, 'mongo');
  const secantusDir = join(stateDir, 'secantus');
  const ids = Array.from({ length: nodeCount }, (_, i) => i + 1);
  const voters = ids.map((nodeId) => ({ nodeId, host: HOST, controllerPort: kafkaPort + 2 * (nodeId - 1) + 1 }));
  const kafkaNodes = ids.map((nodeId) => kafkaNodeLayout(profile, stateDir, kafkaPort, nodeId, voters));
  return {
    profile,
    cacheDir,
    stateDir,
    freshOnStart: profile !== 'dev',
    lockFile: join(stateDir, '.lock'),
    kafka: kafkaNodes[0]!,
    kafkaNodes,
    quorumFile: join(stateDir, 'kafka-quorum.json'),
    mongo: {
      name: 'mongo',
      label: 'mongo',
      host: HOST,
      port: mongoPort,
      dataDir: mongoDir,
      backend: profile === 'dev' ? { kind: 'h2', file: join(mongoDir, 'wabus.mv.db') } : { kind: 'memory' },
      logFile: join(stateDir, 'mongo.log'),
      pidFile: join(stateDir, 'mongo.pid'),
      instanceTag: `mongo@${stateDir}`,
    },
    secantus: {
      name: 'secantus',
      label: 'secantus',
      host: HOST,
      port: secantusPort,
      dataDir: secantusDir,
      configFile: join(secantusDir, 'secantusd.toml'),
      storageDir: join(secantusDir, 'data'),
      logFile: join(stateDir, 'secantus.log'),
      pidFile: join(stateDir, 'secantus.pid'),
      instanceTag: `secantus@${stateDir}`,
    },
  };
}

/**
 * The URI of a profile's store (mongo-java-server or SecantusDB): a direct connection, as both are one node.
 * SecantusDB's without retryable writes: it remembers each one for 30 minutes, up to 10,000, and scans (and at the
 * cap sorts) them all on every write, so each acknowledged write costs ~25 ms once 10,000 were made (docs/stores.md).
 * The emulator has no sessions, so the driver makes no retryable writes to it either.
 */
export function mongoUriFor(layout: ComponentLayout): string {
  return `mongodb://${layout.host}:${layout.port}/?directConnection=true${layout.name === 'secantus' ? SECANTUS_URI_OPTIONS : ''}`;
}

/** What a SecantusDB URI adds (see mongoUriFor). */
export const SECANTUS_URI_OPTIONS = '&retryWrites=false';

export function kafkaBrokerFor(layout: KafkaLayout): string {
  return `${layout.host}:${layout.port}`;
}

/** Every broker of a profile, node 1 first: what KAFKA_BROKERS should say. */
export function kafkaBrokersFor(layout: ProfileLayout): string[] {
  return layout.kafkaNodes.map(kafkaBrokerFor);
}
