import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError } from './errors.ts';

/**
 * What the rest of wabus needs to know of a service (the CLI, `wabus dev`, the tests, the bench, the operator tools),
 * declared once, in the service's own `package.json`:
 *
 *   "wabus": { "kind": "consumer", "port": 8081 }
 *   "wabus": { "kind": "consumer", "port": 8082, "alsoReads": [{ "name": "sends", "topic": "whatsapp.sends.v1", "env": "STATUS_TRACKER_SENDS_TOPIC" }] }
 *
 * The name is the service's directory (`services/<name>`); the port variable, the entry point and, for consumers, the
 * group, database and topics follow from it.
 */
export interface ServiceFacts {
  name: string;
  /** ingress takes webhooks in; a consumer consumes the events topic; an api serves requests of its own (the sender). */
  kind: 'ingress' | 'consumer' | 'api';
  /** Default port of its HTTP API. */
  port: number;
  /** The variable that overrides it: `MESSAGE_STORE_PORT` for message-store. */
  portEnv: string;
  /** Its directory. */
  dir: string;
  /** Its composition root, `<dir>/src/main.ts`, which `wabus <name>` (the production start) loads. */
  entry: string;
  /**
   * Topics a consumer reads besides the events topic, each on its own group `<group>.<name>` (packages/consumer-service's
   * `additional`): a replay or a shadow of the service goes through them too. `env` names the variable that overrides
   * the topic, in the service and in the operator tools alike.
   */
  alsoReads: AlsoReads[];
}

export interface AlsoReads {
  name: string;
  topic: string;
  env: string;
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** Where the services of this checkout live. */
export const SERVICES_DIR = join(repoRoot, 'services');

/** The CLI, which also starts every service: `node packages/cli/src/main.ts <service>` (Node's own type stripping). */
const CLI_ENTRY = join(repoRoot, 'packages', 'cli', 'src', 'main.ts');

/**
 * The arguments of `node` that start a service the way the image does (`wabus <name>` from the repository root): the
 * one production start, used by `wabus dev`, the tests and the operator tools. No tsx: Node strips the types. (The
 * bench starts `services/<name>/src/main.ts` itself: it also runs older checkouts, whose CLI cannot start a service.)
 */
export const serviceStartArgs = (name: string): string[] => [CLI_ENTRY, name];

export const portEnvOf = (name: string): string => `${name.toUpperCase().replaceAll('-', '_')}_PORT`;

/** The facts a service's directory declares; a missing or malformed declaration is WABUS_SERVICE_FACTS_INVALID. */
export function readServiceFacts(dir: string | URL): ServiceFacts {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  const name = basename(path);
  const invalid = (why: string) => new ServiceError('WABUS_SERVICE_FACTS_INVALID', { message: `${join(path, 'package.json')}: ${why}` });
  let declared: unknown;
  try {
    declared = (JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { wabus?: unknown }).wabus;
  } catch (cause) {
    throw new ServiceError('WABUS_SERVICE_FACTS_INVALID', { message: `${join(path, 'package.json')}: ${(cause as Error).message}`, cause });
  }
  if (typeof declared !== 'object' || declared === null)
    throw invalid('no "wabus" object ({ "kind": "consumer" | "ingress" | "api", "port": <default port> })');
  const { kind, port } = declared as { kind?: unknown; port?: unknown };
  if (kind !== 'consumer' && kind !== 'ingress' && kind !== 'api')
    throw invalid(`wabus.kind must be "consumer", "ingress" or "api", not ${JSON.stringify(kind)}`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    throw invalid(`wabus.port must be a port number, not ${JSON.stringify(port)}`);
  const alsoReads = (declared as { alsoReads?: unknown }).alsoReads ?? [];
  const valid = (a: unknown): a is AlsoReads =>
    typeof a === 'object' &&
    a !== null &&
    typeof (a as AlsoReads).name === 'string' &&
    /^[a-z][a-z0-9-]{0,31}$/.test((a as AlsoReads).name) &&
    typeof (a as AlsoReads).topic === 'string' &&
    (a as AlsoReads).topic !== '' &&
    typeof (a as AlsoReads).env === 'string';
  if (!Array.isArray(alsoReads) || !alsoReads.every(valid) || (kind !== 'consumer' && alsoReads.length > 0))
    throw invalid('wabus.alsoReads must be a consumer\'s list of { "name": <a-z0-9->, "topic": <topic>, "env": <variable> }');
  return { name, kind, port, portEnv: portEnvOf(name), dir: path, entry: join(path, 'src', 'main.ts'), alsoReads };
}

/** Every service of the checkout, by default port (ingress first). Directories without a `package.json` are skipped. */
export function serviceRegistry(servicesDir: string = SERVICES_DIR): ServiceFacts[] {
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(servicesDir, d.name, 'package.json')))
    .map((d) => readServiceFacts(join(servicesDir, d.name)))
    .sort((a, b) => a.port - b.port);
}

/** The consumer services of the checkout. */
export const consumerServices = (servicesDir?: string): ServiceFacts[] => serviceRegistry(servicesDir).filter((s) => s.kind === 'consumer');

/** One service by name; an unknown one is WABUS_SERVICE_UNKNOWN naming the known ones. */
export function serviceFacts(name: string, servicesDir?: string): ServiceFacts {
  const all = serviceRegistry(servicesDir);
  const found = findService(name, all);
  if (found === undefined)
    throw new ServiceError('WABUS_SERVICE_UNKNOWN', { message: `unknown service ${JSON.stringify(name)} (one of ${all.map((s) => s.name).join(', ')})` });
  return found;
}

/** One service by name, or undefined (the CLI: a word that may be a command or a service). */
export const findService = (name: string, registry: ServiceFacts[] = serviceRegistry()): ServiceFacts | undefined => registry.find((s) => s.name === name);

export const EVENTS_TOPIC = 'whatsapp.events.v1';

/** A consumer's own group, database and topics, as the service names them unless configured otherwise. */
export function consumerDefaults(name: string, eventsTopic: string = EVENTS_TOPIC) {
  return {
    groupId: `wabus.${name}`,
    database: `wabus_${name.replaceAll('-', '_')}`,
    dlqTopic: `${eventsTopic}.dlq.${name}`,
    redriveTopic: `${eventsTopic}.redrive.${name}`,
  };
}
