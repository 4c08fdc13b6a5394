import type { Context } from '@opentelemetry/api';
import { KafkaError, refusedTopics } from '@wabus/kafka';
import type { Delivery, Disposition, Publisher } from './publisher.ts';

/** Why Kafka refused records of a body for good (docs/limits.md), and which of the two topics. */
export interface Refusal {
  kind: 'too_large' | 'invalid' | 'not_authorized';
  topic: 'raw' | 'events';
  err: KafkaError;
}

/** The reasons a body is quarantined with when Kafka refuses its records (on the raw record's header and the metric). */
export const REFUSAL_REASONS = {
  /** The body was too large for the raw topic: it is kept in pieces (wabus-chunk). */
  raw: 'too_large',
  /** An event record was too large for the events topic: the body is kept whole, no events made. */
  eventsTooLarge: 'events_too_large',
  /** The events topic refused the event records as invalid: the body is kept whole, no events made. */
  eventsInvalid: 'events_invalid',
} as const;

export interface StoreDeliveryOptions {
  publisher: Publisher;
  rawTopic: string;
  eventsTopic: string;
  /**
   * The largest batch the raw topic takes now: read again from the cluster (a refusal may mean its limit changed since
   * start-up); undefined when it cannot be read.
   */
  rawBatchLimit: () => Promise<number | undefined>;
  /** Each refusal, as it happens: counted and logged by the caller. */
  onRefused?: (refusal: Refusal) => void;
}

const KIND_OF = {
  WABUS_KAFKA_RECORD_TOO_LARGE: 'too_large',
  WABUS_KAFKA_RECORD_INVALID: 'invalid',
  WABUS_KAFKA_NOT_AUTHORIZED: 'not_authorized',
} as const;

function refusalOf(err: unknown, o: Pick<StoreDeliveryOptions, 'rawTopic' | 'eventsTopic'>): Refusal | undefined {
  if (!KafkaError.is(err) || !(err.code in KIND_OF)) return undefined;
  const kind = KIND_OF[err.code as keyof typeof KIND_OF];
  const topics = refusedTopics(err);
  // Both refused: the raw record decides (no events are made from a body that is not stored whole).
  if (topics.includes(o.rawTopic)) return { kind, topic: 'raw', err };
  if (topics.includes(o.eventsTopic)) return { kind, topic: 'events', err };
  return kind === 'not_authorized' ? { kind, topic: 'raw', err } : undefined;
}

/**
 * Stores a delivery and says how: the disposition asked for, or the one Kafka's refusals left (docs/limits.md).
 * - Events refused for good (too large, invalid): the body is quarantined on the raw topic, whole, and no events are
 *   made; `wabus replay rederive` makes them once the events topic takes them.
 * - The body too large for the raw topic (its limit lowered since start-up: the start checked it): kept in pieces.
 * - Anything else — transient failures, a missing grant (every body fails alike: fixing the grant makes Meta's
 *   retries succeed), the raw record refused as invalid — rejects, and ingress answers 503.
 * Every attempt has the same `deadline`; a quarantine that cannot be stored in time is a 503 as well.
 */
export async function storeDelivery(
  o: StoreDeliveryOptions,
  delivery: Delivery,
  disposition: Disposition,
  deadline: number,
  parent?: Context,
  rawBatchLimit?: number,
): Promise<Disposition> {
  try {
    await o.publisher.publish(delivery, disposition, deadline, parent, rawBatchLimit === undefined ? {} : { rawBatchLimit });
    return disposition;
  } catch (err) {
    const refusal = refusalOf(err, o);
    if (refusal === undefined) throw err;
    o.onRefused?.(refusal);
    if (refusal.kind === 'not_authorized') throw err;
    const detail = `${refusal.err.code}: ${refusal.err.message}`;
    if (refusal.topic === 'events' && disposition.kind === 'accepted') {
      const reason = refusal.kind === 'too_large' ? REFUSAL_REASONS.eventsTooLarge : REFUSAL_REASONS.eventsInvalid;
      return storeDelivery(o, delivery, { kind: 'quarantined', reason, detail }, deadline, parent);
    }
    if (refusal.topic === 'raw' && refusal.kind === 'too_large' && rawBatchLimit === undefined) {
      const limit = await o.rawBatchLimit();
      if (limit === undefined) throw err;
      const quarantined: Disposition = disposition.kind === 'quarantined' ? disposition : { kind: 'quarantined', reason: REFUSAL_REASONS.raw, detail };
      return storeDelivery(o, delivery, quarantined, deadline, parent, limit);
    }
    throw err;
  }
}
