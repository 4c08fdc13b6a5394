import { bool, int, list, oneOf, readConfig, str, type ConfigOf } from '@wabus/config';
import { consumerDefaults, EVENTS_TOPIC, type ServiceFacts } from '@wabus/service/registry';

/** What the configuration needs of a service's facts (its `package.json`: `@wabus/service/registry`). */
export type ConsumerFacts = Pick<ServiceFacts, 'name' | 'port' | 'portEnv'>;

/** The configuration every consumer service shares; its facts give the defaults (port, group, database, DLQ topic). */
export function consumerSchema({ name, port: defaultPort, portEnv }: ConsumerFacts) {
  const defaults = consumerDefaults(name);
  return {
    host: { env: 'HOST', parse: str, default: '0.0.0.0', description: 'address of the HTTP API (health, metrics, reads)' },
    port: { env: portEnv, parse: int(0, 65535), default: defaultPort, description: 'port of the HTTP API' },
    kafkaBrokers: { env: 'KAFKA_BROKERS', parse: list, default: ['127.0.0.1:9092'], description: 'Kafka bootstrap brokers' },
    topic: { env: 'WABUS_EVENTS_TOPIC', parse: str, default: EVENTS_TOPIC, description: 'topic to consume' },
    groupId: { env: 'WABUS_GROUP_ID', parse: str, default: defaults.groupId, description: 'consumer group (one per service)' },
    dlqTopic: { env: 'WABUS_DLQ_TOPIC', parse: str, default: defaults.dlqTopic, description: 'dead-letter topic of this service' },
    redriveTopic: {
      env: 'WABUS_REDRIVE_TOPIC',
      parse: str,
      default: '',
      description:
        'where `wabus dlq redrive` puts dead letters back for this service, consumed by group <group>.redrive; default <topic>.redrive.<service>; `-`: not consumed',
    },
    replayOnly: {
      env: 'WABUS_REPLAY_ONLY',
      parse: bool,
      default: false,
      description: 'shadow replays (set by `wabus replay shadow`): apply only what lies below the replay frontier, nothing live',
    },
    mongoUri: { env: 'MONGODB_URI', parse: str, default: 'mongodb://127.0.0.1:27017/?directConnection=true', description: 'MongoDB connection string' },
    database: { env: 'WABUS_DATABASE', parse: str, default: defaults.database, description: "this service's own database" },
    maxBatchRecords: { env: 'WABUS_MAX_BATCH', parse: int(1, 10_000), default: 500, description: 'records applied per store round trip' },
    partitionsConcurrently: { env: 'WABUS_PARTITIONS_CONCURRENTLY', parse: int(1, 64), default: 3, description: 'partitions applied at once' },
    sessionTimeoutMs: {
      env: 'WABUS_SESSION_TIMEOUT_MS',
      parse: int(6_000, 300_000),
      default: 30_000,
      description: 'how long the group waits for a silent member (e.g. a killed process) before giving its partitions to others',
    },
    logLevel: { env: 'LOG_LEVEL', parse: oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'), default: 'info', description: 'pino log level' },
  } as const;
}

export type ConsumerConfig = ConfigOf<ReturnType<typeof consumerSchema>>;

export function loadConsumerConfig(facts: ConsumerFacts, env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  return readConfig(consumerSchema(facts), env);
}
