import { join } from 'node:path';
import { portEnvOf } from '@wabus/service/registry';
import { spawnNodeChild, type NodeChild } from '../lib/node-child.ts';

/** The two consumer services and the bare runtime they are compared with. */
export type ConsumerName = 'message-store' | 'status-tracker' | 'ceiling';

/** Records per handler call and partitions applied at once: the services' defaults, given to all three alike. */
export const MAX_BATCH = 500;
export const PARTITIONS_CONCURRENTLY = 3;

export interface ConsumerEnv {
  root: string;
  port: number;
  kafkaBrokers: string[];
  mongoUri: string;
  topic: string;
  dlqTopic: string;
  groupId: string;
  database: string;
  logFile: string;
}

/**
 * One consumer as its own process, answering GET /readyz and /v1/lag on `port`: a service through its composition
 * root (`services/<name>/src/main.ts`, LOG_LEVEL=info to a file), or the ceiling (bench/consumers/ceiling-consumer.ts).
 */
export function startConsumer(name: ConsumerName, e: ConsumerEnv): NodeChild {
  const common = {
    ...process.env,
    KAFKA_BROKERS: e.kafkaBrokers.join(','),
    WABUS_EVENTS_TOPIC: e.topic,
    WABUS_GROUP_ID: e.groupId,
    WABUS_DLQ_TOPIC: e.dlqTopic,
    WABUS_MAX_BATCH: String(MAX_BATCH),
    WABUS_PARTITIONS_CONCURRENTLY: String(PARTITIONS_CONCURRENTLY),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  if (name === 'ceiling') {
    return spawnNodeChild({
      script: new URL('./ceiling-consumer.ts', import.meta.url).pathname,
      cwd: e.root,
      env: { ...common, BENCH_PORT: String(e.port) },
      logFile: e.logFile,
    });
  }
  return spawnNodeChild({
    script: join(e.root, 'services', name, 'src', 'main.ts'),
    cwd: e.root,
    env: { ...common, MONGODB_URI: e.mongoUri, WABUS_DATABASE: e.database, [portEnvOf(name)]: String(e.port) },
    logFile: e.logFile,
  });
}

export function startIngress(e: {
  root: string;
  port: number;
  secret: string;
  kafkaBrokers: string[];
  rawTopic: string;
  eventsTopic: string;
  logFile: string;
}): NodeChild {
  return spawnNodeChild({
    script: join(e.root, 'services', 'ingress', 'src', 'main.ts'),
    cwd: e.root,
    env: {
      ...process.env,
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PORT: String(e.port),
      INGRESS_WORKERS: '1',
      WHATSAPP_APP_SECRETS: `bench=${e.secret}`,
      WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
      KAFKA_BROKERS: e.kafkaBrokers.join(','),
      WABUS_RAW_TOPIC: e.rawTopic,
      WABUS_EVENTS_TOPIC: e.eventsTopic,
      LOG_LEVEL: 'info',
    },
    logFile: e.logFile,
  });
}
