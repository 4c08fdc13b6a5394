import { ensureComponentRunning, stopComponentProcess } from './component-runtime.ts';
import { PROFILE_LOCK_TIMEOUT_MS, profileDrivers } from './component-drivers.ts';
import { installInfra } from './install-infra.ts';
import { waitForBrokers } from './kafka-brokers-ready.ts';
import { ensureKafkaQuorum } from './kafka-quorum.ts';
import { kafkaStatus } from './kafka-status.ts';
import { kafkaBrokersFor, mongoUriFor } from './profile-layout.ts';
import { runningPid } from './process-control.ts';
import { withProfileLock } from './profile-lock.ts';
import type { ComponentStatus, LogFn, Profile, StartInfraResult, StoreKind } from './types.ts';

function externalKafka(env: NodeJS.ProcessEnv): string[] | undefined {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  return brokers.length > 0 ? brokers : undefined;
}

function externalMongo(env: NodeJS.ProcessEnv): string | undefined {
  const uri = env.MONGODB_URI?.trim();
  return uri ? uri : undefined;
}

/** After each node is ready, the cluster profile waits until the cluster lists all of them at once. */
const CLUSTER_READY_TIMEOUT_MS = 30_000;

/**
 * Makes Kafka and a Mongo-wire store of `profile` available and says where. `store` picks the store:
 * mongo-java-server (`mongo`, the default) or SecantusDB (`secantus`, its own port); the other store is neither
 * started nor stopped. `KAFKA_BROKERS` / `MONGODB_URI` in `env` mean "use that one, start nothing". Otherwise each
 * component is reused when its process of this profile is alive, else started in the background (it outlives the
 * caller; stop it with stopInfra). Resolves only when both serve requests: every Kafka node is a registered broker
 * with a controller (cluster profile: all three registered), the store answers a driver's ping. A test or cluster
 * profile's Kafka starts with empty data only when none of its nodes runs, a store whenever it starts; a missing
 * node of a running cluster comes back on its data.
 * `env` (default process.env) is the whole environment: it is read for the overrides (KAFKA_BROKERS, MONGODB_URI,
 * WABUS_CACHE_DIR, WABUS_STATE_DIR, the port variables of docs/infra.md, JAVA_HOME, PYTHON) and handed to mvn, pip
 * and the servers.
 */
export async function startInfra(opts: { profile: Profile; store?: StoreKind; log?: LogFn; env?: NodeJS.ProcessEnv }): Promise<StartInfraResult> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const store = opts.store ?? 'mongo';
  const kafkaBrokers = externalKafka(env);
  const mongoUri = externalMongo(env);
  const { layout, drivers } = profileDrivers(opts.profile, env);

  const external = (address: string): ComponentStatus => ({ state: 'external', address });
  if (kafkaBrokers !== undefined && mongoUri !== undefined) {
    return { kafkaBrokers, mongoUri, store, kafka: external(kafkaBrokers.join(',')), mongo: external(mongoUri) };
  }

  await installInfra({ log, env });
  return withProfileLock(layout.lockFile, PROFILE_LOCK_TIMEOUT_MS, async () => {
    const kafkaRunning = layout.kafkaNodes.some((node) => runningPid(node.pidFile, node.instanceTag) !== undefined);
    const kafkaFresh = layout.freshOnStart && !kafkaRunning;
    if (kafkaBrokers === undefined && layout.kafkaNodes.length > 1) {
      await ensureKafkaQuorum(layout.quorumFile, layout.kafka.voters, { fresh: kafkaFresh });
    }
    const kafkaOpts = { fresh: kafkaFresh, log, env, profile: opts.profile };
    const storeOpts = { fresh: layout.freshOnStart, log, env, profile: opts.profile };
    // Every JVM starts side by side (a quorum needs its voters up together); a failure of one does not abandon the
    // others half-started.
    const [mongo, ...nodes] = await Promise.allSettled([
      mongoUri === undefined ? ensureComponentRunning(drivers[store], storeOpts) : external(mongoUri),
      ...(kafkaBrokers === undefined ? drivers.kafka.map((d) => ensureComponentRunning(d, kafkaOpts)) : []),
    ]);
    const failed = nodes.find((n) => n.status === 'rejected');
    if (failed !== undefined && kafkaFresh) {
      // A new cluster that did not come up whole is stopped whole, so that the next start formats it anew.
      await Promise.all(layout.kafkaNodes.map((node) => stopComponentProcess(node, log)));
    }
    if (failed?.status === 'rejected') throw failed.reason;
    if (mongo!.status === 'rejected') throw mongo!.reason;
    const nodeStatuses = nodes.map((n) => (n as PromiseFulfilledResult<ComponentStatus>).value);
    if (kafkaBrokers === undefined && layout.kafkaNodes.length > 1) {
      await waitForBrokers(
        kafkaBrokersFor(layout),
        layout.kafkaNodes.map((n) => n.nodeId),
        CLUSTER_READY_TIMEOUT_MS,
      );
      log(`kafka: ${layout.kafkaNodes.length} brokers registered`);
    }
    return {
      kafkaBrokers: kafkaBrokers ?? kafkaBrokersFor(layout),
      mongoUri: mongoUri ?? mongoUriFor(layout[store]),
      store,
      kafka: kafkaBrokers === undefined ? kafkaStatus(layout, nodeStatuses) : external(kafkaBrokers.join(',')),
      mongo: mongo!.value,
    };
  });
}
