import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ComponentName, Profile } from './types.ts';

export interface ComponentLayout {
  name: ComponentName;
  host: string;
  port: number;
  /** Files of this component (config, data); wiped on a fresh start of the test profile. */
  dataDir: string;
  logFile: string;
  pidFile: string;
  /** On the JVM command line (`-Dwabus.instance=...`): tells our process from a reused pid. */
  instanceTag: string;
}

export interface KafkaLayout extends ComponentLayout {
  name: 'kafka';
  controllerPort: number;
  configDir: string;
  logDir: string;
}

export interface MongoLayout extends ComponentLayout {
  name: 'mongo';
  backend: { kind: 'memory' } | { kind: 'h2'; file: string };
}

export interface ProfileLayout {
  profile: Profile;
  cacheDir: string;
  stateDir: string;
  /** True for `test`: a component started anew gets empty state. */
  freshOnStart: boolean;
  lockFile: string;
  kafka: KafkaLayout;
  mongo: MongoLayout;
}

const HOST = '127.0.0.1';

const DEFAULT_PORTS: Record<Profile, { kafka: number; mongo: number }> = {
  dev: { kafka: 9092, mongo: 27017 },
  test: { kafka: 19092, mongo: 37017 },
};

/** Downloads, compiled classes and the test profile's state: `WABUS_CACHE_DIR`, else `~/.cache/wabus`. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WABUS_CACHE_DIR) return resolve(env.WABUS_CACHE_DIR);
  return join(homedir(), '.cache', 'wabus');
}

function resolveStateDir(profile: Profile, cacheDir: string, env: NodeJS.ProcessEnv): string {
  if (profile === 'test') return join(cacheDir, 'state', 'test');
  if (env.WABUS_STATE_DIR) return resolve(env.WABUS_STATE_DIR);
  return join(homedir(), '.local', 'share', 'wabus', 'dev');
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65534) {
    throw new Error(`${name} must be a TCP port between 1 and 65534, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Where each component of a profile listens and keeps its files. Pure: reads only `env`. */
export function resolveProfileLayout(profile: Profile, env: NodeJS.ProcessEnv = process.env): ProfileLayout {
  const cacheDir = resolveCacheDir(env);
  const stateDir = resolveStateDir(profile, cacheDir, env);
  const kafkaPort = portFromEnv(env, 'WABUS_KAFKA_PORT', DEFAULT_PORTS[profile].kafka);
  const mongoPort = portFromEnv(env, 'WABUS_MONGO_PORT', DEFAULT_PORTS[profile].mongo);
  const kafkaDir = join(stateDir, 'kafka');
  const mongoDir = join(stateDir, 'mongo');
  return {
    profile,
    cacheDir,
    stateDir,
    freshOnStart: profile === 'test',
    lockFile: join(stateDir, '.lock'),
    kafka: {
      name: 'kafka',
      host: HOST,
      port: kafkaPort,
      controllerPort: kafkaPort + 1,
      dataDir: kafkaDir,
      configDir: join(kafkaDir, 'config'),
      logDir: join(kafkaDir, 'data'),
      logFile: join(stateDir, 'kafka.log'),
      pidFile: join(stateDir, 'kafka.pid'),
      instanceTag: `kafka@${stateDir}`,
    },
    mongo: {
      name: 'mongo',
      host: HOST,
      port: mongoPort,
      dataDir: mongoDir,
      backend: profile === 'dev' ? { kind: 'h2', file: join(mongoDir, 'wabus.mv.db') } : { kind: 'memory' },
      logFile: join(stateDir, 'mongo.log'),
      pidFile: join(stateDir, 'mongo.pid'),
      instanceTag: `mongo@${stateDir}`,
    },
  };
}

export function mongoUriFor(layout: MongoLayout): string {
  return `mongodb://${layout.host}:${layout.port}/?directConnection=true`;
}

export function kafkaBrokerFor(layout: KafkaLayout): string {
  return `${layout.host}:${layout.port}`;
}
