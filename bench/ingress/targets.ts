import { join } from 'node:path';
import { spawnNodeChild, type NodeChild } from '../lib/node-child.ts';

export type TargetName = 'bare' | 'naive' | 'wabus' | 'wabus-2w' | 'wabus-baseline' | TracingTargetName;

/** The tracing section's ingress processes (bench/tracing.bench.ts): off, every span exported, a sample, and off again as a control. */
export type TracingTargetName = 'tracing-off' | 'tracing-all' | 'tracing-sampled' | 'tracing-off-b';

/** Kafka topics a target writes to; the bench creates its own of each kind per target and run. */
export type TopicKind = 'raw' | 'events' | 'naive';

/** The production topic whose definition (configs) a bench topic of that kind copies. */
export const topicLike: Record<TopicKind, string> = {
  raw: 'whatsapp.webhooks.raw.v1',
  events: 'whatsapp.events.v1',
  naive: 'whatsapp.webhooks.raw.v1',
};

export interface TargetEnv {
  root: string;
  port: number;
  secret: string;
  kafkaBrokers: string[];
  /** This target's own topics, one per kind it declares in `topics`. */
  topics: Partial<Record<TopicKind, string>>;
  /** Where the target's stdout/stderr go. */
  logFile: string;
  nodeArgs?: string[];
}

export interface TargetSpec {
  name: TargetName;
  description: string;
  topics: readonly TopicKind[];
  /**
   * 1: one server process. More: a node:cluster primary forks that many workers sharing the port; CPU and RSS are
   * then summed over the whole process tree, and readiness waits for every worker.
   */
  workers: number;
  /** The real ingress: its records are reconciled with the answers (GET /metrics when it is one process). */
  ingress: boolean;
  start(env: TargetEnv): NodeChild;
}

const here = (file: string) => new URL(file, import.meta.url).pathname;

function topic(e: TargetEnv, kind: TopicKind): string {
  const name = e.topics[kind];
  if (name === undefined) throw new Error(`no ${kind} topic for this target`);
  return name;
}

/** The real ingress as a target; `env` adds variables (tracing's `OTEL_*`) over the bench's own. */
export function ingressTarget(name: TargetName, workers: number, description: string, env: (e: TargetEnv) => NodeJS.ProcessEnv = () => ({})): TargetSpec {
  return {
    name,
    description,
    topics: ['raw', 'events'],
    workers,
    ingress: true,
    start: (e) =>
      spawnNodeChild({
        script: join(e.root, 'services', 'ingress', 'src', 'main.ts'),
        cwd: e.root,
        env: {
          ...process.env,
          INGRESS_HOST: '127.0.0.1',
          INGRESS_PORT: String(e.port),
          INGRESS_WORKERS: String(workers),
          WHATSAPP_APP_SECRETS: `bench=${e.secret}`,
          WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
          KAFKA_BROKERS: e.kafkaBrokers.join(','),
          WABUS_RAW_TOPIC: topic(e, 'raw'),
          WABUS_EVENTS_TOPIC: topic(e, 'events'),
          LOG_LEVEL: 'info',
          ...env(e),
        },
        logFile: e.logFile,
        ...(e.nodeArgs ? { nodeArgs: e.nodeArgs } : {}),
      }),
  };
}

/**
 * The ingress of another checkout (`WABUS_BENCH_BASELINE=<dir>`, its dependencies installed), with this bench's
 * topics and load: before and after a change, side by side in one run.
 */
export function baselineTarget(dir: string): TargetSpec {
  const spec = ingressTarget('wabus-baseline', 1, `the ingress of the checkout in \`WABUS_BENCH_BASELINE\` (${dir}), run the same way`);
  return { ...spec, start: (e) => spec.start({ ...e, root: dir }) };
}

export const targets: TargetSpec[] = [
  {
    name: 'bare',
    description: 'fastify, POST /webhook reads the body and answers 200, no other work',
    topics: [],
    workers: 1,
    ingress: false,
    start: (e) =>
      spawnNodeChild({
        script: here('./bare-server.ts'),
        cwd: e.root,
        env: { ...process.env, BENCH_HOST: '127.0.0.1', BENCH_PORT: String(e.port) },
        logFile: e.logFile,
        ...(e.nodeArgs ? { nodeArgs: e.nodeArgs } : {}),
      }),
  },
  {
    name: 'naive',
    description: 'fastify, verify HMAC, `await producer.send()` of the body per request (kafkajs, as tutorials do: idempotent, acks=-1)',
    topics: ['naive'],
    workers: 1,
    ingress: false,
    start: (e) =>
      spawnNodeChild({
        script: here('./naive-server.ts'),
        cwd: e.root,
        env: {
          ...process.env,
          BENCH_HOST: '127.0.0.1',
          BENCH_PORT: String(e.port),
          BENCH_SECRET: e.secret,
          BENCH_TOPIC: topic(e, 'naive'),
          KAFKA_BROKERS: e.kafkaBrokers.join(','),
        },
        logFile: e.logFile,
        ...(e.nodeArgs ? { nodeArgs: e.nodeArgs } : {}),
      }),
  },
  ingressTarget('wabus', 1, 'the real ingress (`services/ingress/src/main.ts`), LOG_LEVEL=info, logs to a file'),
  ingressTarget(
    'wabus-2w',
    2,
    'the same ingress with `INGRESS_WORKERS=2`: a node:cluster primary that only supervises and two workers, each a ' +
      'whole ingress with its own Kafka producer, sharing the port (round-robin by the primary); its own topics',
  ),
];
