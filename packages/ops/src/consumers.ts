import { OpsError } from './errors.ts';

/** The consumer services and the port of each one's HTTP API (README, "Consumer services"). */
export const CONSUMER_SERVICES = {
  'message-store': { port: 8081 },
  'status-tracker': { port: 8082 },
  'auto-reply': { port: 8083 },
  'crm-sync': { port: 8084 },
} as const;

export type ConsumerService = keyof typeof CONSUMER_SERVICES;

export const EVENTS_TOPIC = 'whatsapp.events.v1';
/** Compacted: the latest operator action per dead letter, keyed `<dlq topic>/<partition>/<offset>`. */
export const ACTIONS_TOPIC = 'wabus.dlq.actions.v1';

/** Where one consumer's dead letters are, where re-drives go, and its group. */
export interface ConsumerTopics {
  service: string;
  groupId: string;
  eventsTopic: string;
  dlqTopic: string;
  redriveTopic: string;
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

/** The service's topics as the services name them by default (`packages/consumer-service`), each overridable. */
export function consumerTopics(service: string, o: ConsumerTopicOverrides = {}): ConsumerTopics {
  if (!isConsumerService(service)) {
    throw new OpsError('WABUS_OPS_UNKNOWN_CONSUMER', { message: `unknown consumer ${JSON.stringify(service)} (one of ${Object.keys(CONSUMER_SERVICES).join(', ')})` });
  }
  const eventsTopic = o.eventsTopic ?? EVENTS_TOPIC;
  return {
    service,
    groupId: o.groupId ?? `wabus.${service}`,
    eventsTopic,
    dlqTopic: o.dlqTopic ?? `${eventsTopic}.dlq.${service}`,
    redriveTopic: o.redriveTopic ?? `${eventsTopic}.redrive.${service}`,
  };
}

/** `/v1/lag` of each service on this machine, at its default port. */
export const DEFAULT_LAG_PROBES: readonly string[] = Object.values(CONSUMER_SERVICES).map((s) => `http://127.0.0.1:${s.port}/v1/lag`);
