import { join } from 'node:path';
import { spawnNodeChild, type NodeChild } from '../lib/node-child.ts';

export type TargetName = 'bare' | 'naive' | 'wabus';

export interface TargetEnv {
  root: string;
  port: number;
  secret: string;
  kafkaBrokers: string[];
  topics: { raw: string; events: string; naive: string };
  /** Where the target's stdout/stderr go. */
  logFile: string;
  nodeArgs?: string[];
}

export interface TargetSpec {
  name: TargetName;
  description: string;
  start(env: TargetEnv): NodeChild;
}

const here = (file: string) => new URL(file, import.meta.url).pathname;

export const targets: TargetSpec[] = [
  {
    name: 'bare',
    description: 'fastify, POST /webhook reads the body and answers 200, no other work',
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
    description: 'fastify, verify HMAC, `await producer.send()` of the body per request (idempotent, acks=-1)',
    start: (e) =>
      spawnNodeChild({
        script: here('./naive-server.ts'),
        cwd: e.root,
        env: {
          ...process.env,
          BENCH_HOST: '127.0.0.1',
          BENCH_PORT: String(e.port),
          BENCH_SECRET: e.secret,
          BENCH_TOPIC: e.topics.naive,
          KAFKA_BROKERS: e.kafkaBrokers.join(','),
        },
        logFile: e.logFile,
        ...(e.nodeArgs ? { nodeArgs: e.nodeArgs } : {}),
      }),
  },
  {
    name: 'wabus',
    description: 'the real ingress (`services/ingress/src/main.ts`), LOG_LEVEL=info, logs to a file',
    start: (e) =>
      spawnNodeChild({
        script: join(e.root, 'services', 'ingress', 'src', 'main.ts'),
        cwd: e.root,
        env: {
          ...process.env,
          INGRESS_HOST: '127.0.0.1',
          INGRESS_PORT: String(e.port),
          WHATSAPP_APP_SECRETS: `bench=${e.secret}`,
          WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
          KAFKA_BROKERS: e.kafkaBrokers.join(','),
          WABUS_RAW_TOPIC: e.topics.raw,
          WABUS_EVENTS_TOPIC: e.topics.events,
          LOG_LEVEL: 'info',
        },
        logFile: e.logFile,
        ...(e.nodeArgs ? { nodeArgs: e.nodeArgs } : {}),
      }),
  },
];
