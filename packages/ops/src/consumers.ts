import { consumerDefaults, consumerServices, EVENTS_TOPIC, type ServiceFacts } from '@wabus/service/registry';
import { OpsError } from './errors.ts';

export { EVENTS_TOPIC };

/** The consumer services of this checkout by name, as each declares itself in its `package.json` (`@wabus/service/registry`). */
export const CONSUMER_SERVICES: Readonly<Record<string, ServiceFacts>> = Object.fromEntries(consumerServices().map((s) => [s.name, s]));

export type ConsumerService = string;
/** Compacted: the latest operator action per dead letter, keyed `<dlq topic>/<partition>/<offset>`. */
export const ACTIONS_TOPIC = 'wabus.dlq.actions.v1';

/** Where one consumer's dead letters are, where re-drives go, and its group. */
export interface ConsumerTopics {
  service: string;
  groupId: string;
  eventsTopic: string;
  dlqTopic: string;
  redriveTopic: string;
  /** The other topics it reads, each on its group `<groupId>.<name>` (the registry's `alsoReads`). */
  alsoReads: { name: string; topic: string; groupId: string }[];
}

export interface ConsumerTopicOverrides {
  eventsTopic?: string | undefined;
  dlqTopic?: string | undefined;
  redriveTopic?: string | undefined;
  groupId?: string | undefined;
}

export function isConsumerService(name: string): name is ConsumerService {
  return Object.hasOwn(CONSUMER_SERVICES, name);
}

/** The service's group and topics as the services name them by default, each overridable. */
export function consumerTopics(service: string, o: ConsumerTopicOverrides = {}, env: NodeJS.ProcessEnv = process.env): ConsumerTopics {
  if (!isConsumerService(service)) {
    throw new OpsError('WABUS_OPS_UNKNOWN_CONSUMER', {
      message: `unknown consumer ${JSON.stringify(service)} (one of ${Object.keys(CONSUMER_SERVICES).join(', ')})`,
    });
  }
  const eventsTopic = o.eventsTopic ?? EVENTS_TOPIC;
  const defaults = consumerDefaults(service, eventsTopic);
  return {
    service,
    groupId: o.groupId ?? defaults.groupId,
    eventsTopic,
    dlqTopic: o.dlqTopic ?? defaults.dlqTopic,
    redriveTopic: o.redriveTopic ?? defaults.redriveTopic,
    // The topic as the service reads it: its own variable when set (as the service would see it), else the default.
    alsoReads: CONSUMER_SERVICES[service]!.alsoReads.map((a) => ({
      name: a.name,
      topic: env[a.env] || a.topic,
      groupId: `${o.groupId ?? defaults.groupId}.${a.name}`,
    })),
  };
}

/** `/v1/lag` of each service on this machine, at its default port. */
export const DEFAULT_LAG_PROBES: readonly string[] = Object.values(CONSUMER_SERVICES).map((s) => `http://127.0.0.1:${s.port}/v1/lag`);
