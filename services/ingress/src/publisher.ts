import { context, propagation } from '@opentelemetry/api';
import type { IHeaders, Message, TopicMessages } from 'kafkajs';
import type { WhatsAppEvent } from '@wabus/events';
import type { ProduceBatcher } from '@wabus/kafka';

export interface Delivery {
  deliveryId: string;
  body: Buffer;
  receivedAt: number;
  secretLabel: string;
}

export type Disposition = { kind: 'accepted'; events: WhatsAppEvent[] } | { kind: 'quarantined'; reason: string; detail: string };

export interface Publisher {
  /**
   * Appends the raw body and, when accepted, one record per event, and resolves once Kafka acknowledged all of
   * them. Rejects (KafkaError) when that is not known to have happened by `deadline`.
   */
  publish(delivery: Delivery, disposition: Disposition, deadline: number): Promise<void>;
}

export interface PublisherOptions {
  batcher: ProduceBatcher;
  rawTopic: string;
  eventsTopic: string;
  encode: (event: WhatsAppEvent) => Buffer;
}

/** Header names every record carries; consumers and tooling read these without decoding the value. */
export const HEADERS = {
  deliveryId: 'wabus-delivery-id',
  receivedAt: 'wabus-received-at',
  secret: 'wabus-secret',
  disposition: 'wabus-disposition',
  quarantineReason: 'wabus-quarantine-reason',
  items: 'wabus-items',
  eventId: 'wabus-event-id',
  kind: 'wabus-kind',
} as const;

/** Builds the records of one delivery: the raw body first, then its events in body order. */
export function recordsFor(delivery: Delivery, disposition: Disposition, opts: Pick<PublisherOptions, 'rawTopic' | 'eventsTopic' | 'encode'>): TopicMessages[] {
  const rawHeaders: IHeaders = {
    [HEADERS.deliveryId]: delivery.deliveryId,
    [HEADERS.receivedAt]: String(delivery.receivedAt),
    [HEADERS.secret]: delivery.secretLabel,
    [HEADERS.disposition]: disposition.kind,
    'content-type': 'application/json',
  };
  if (disposition.kind === 'quarantined') rawHeaders[HEADERS.quarantineReason] = disposition.reason;
  else rawHeaders[HEADERS.items] = String(disposition.events.length);
  injectTraceContext(rawHeaders);
  const raw: TopicMessages = {
    topic: opts.rawTopic,
    messages: [{ key: delivery.deliveryId, value: delivery.body, headers: rawHeaders, timestamp: String(delivery.receivedAt) }],
  };
  if (disposition.kind === 'quarantined' || disposition.events.length === 0) return [raw];
  const messages: Message[] = disposition.events.map((event) => {
    const headers: IHeaders = {
      [HEADERS.eventId]: event.eventId,
      [HEADERS.kind]: event.kind,
      [HEADERS.deliveryId]: delivery.deliveryId,
    };
    injectTraceContext(headers);
    return { key: event.key, value: opts.encode(event), headers, timestamp: String(delivery.receivedAt) };
  });
  return [raw, { topic: opts.eventsTopic, messages }];
}

/** W3C traceparent/tracestate of the active context (the request's), so a batched flush keeps each origin. */
function injectTraceContext(headers: IHeaders): void {
  propagation.inject(context.active(), headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
}

export function createPublisher(opts: PublisherOptions): Publisher {
  return {
    publish: (delivery, disposition, deadline) => opts.batcher.append(recordsFor(delivery, disposition, opts), deadline),
  };
}
