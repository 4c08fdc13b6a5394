import { ensureComponentRunning } from './component-runtime.ts';
import { PROFILE_LOCK_TIMEOUT_MS, profileDrivers } from './component-drivers.ts';
import { installInfra } from './install-infra.ts';
import { kafkaBrokerFor, mongoUriFor } from './profile-layout.ts';
import { withProfileLock } from './profile-lock.ts';
import type { ComponentStatus, LogFn, Profile, StartInfraResult } from './types.ts';

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

/**
 * Makes Kafka and the Mongo-wire store of `profile` available and says where. `KAFKA_BROKERS` / `MONGODB_URI` in
 * `env` mean "use that one, start nothing". Otherwise each component is reused when its process of this profile
 * is alive, else started in the background (it outlives the caller; stop it with stopInfra). Resolves only when
 * both serve requests: Kafka answers describeCluster with a broker and a controller, Mongo answers ping.
 * `env` (default process.env) is the whole environment: it is read for the overrides (KAFKA_BROKERS, MONGODB_URI,
 * WABUS_CACHE_DIR, WABUS_STATE_DIR, WABUS_KAFKA_PORT, WABUS_MONGO_PORT, JAVA_HOME) and handed to mvn and the JVMs.
 */
export async function startInfra(opts: {
  profile: Profile;
  log?: LogFn;
  env?: NodeJS.ProcessEnv;
}): Promise<StartInfraResult> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const kafkaBrokers = externalKafka(env);
  const mongoUri = externalMongo(env);
  const { layout, drivers } = profileDrivers(opts.profile, env);

  const external = (address: string): ComponentStatus => ({ state: 'external', address });
  if (kafkaBrokers !== undefined && mongoUri !== undefined) {
    return { kafkaBrokers, mongoUri, kafka: external(kafkaBrokers.join(',')), mongo: external(mongoUri) };
  }

  await installInfra({ log, env });
  return withProfileLock(layout.lockFile, PROFILE_LOCK_TIMEOUT_MS, async () => {
    const startOpts = { fresh: layout.freshOnStart, log, env };
    // Both JVMs start side by side; a failure of one does not abandon the other half-started.
    const [kafka, mongo] = await Promise.allSettled([
      kafkaBrokers === undefined ? ensureComponentRunning(drivers.kafka, startOpts) : external(kafkaBrokers.join(',')),
      mongoUri === undefined ? ensureComponentRunning(drivers.mongo, startOpts) : external(mongoUri),
    ]);
    if (kafka.status === 'rejected') throw kafka.reason;
    if (mongo.status === 'rejected') throw mongo.reason;
    return {
      kafkaBrokers: kafkaBrokers ?? [kafkaBrokerFor(layout.kafka)],
      mongoUri: mongoUri ?? mongoUriFor(layout.mongo),
      kafka: kafka.value,
      mongo: mongo.value,
    };
  });
}
