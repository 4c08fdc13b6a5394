import type { RecordHeaders as IHeaders } from '@wabus/kafka';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import { DLQ_HEADERS } from '@wabus/kafka';
import type { LogRecord } from './scan-topics.ts';

/** Header a re-driven record carries: the dead letter it was re-driven from, `<dlq topic>/<partition>/<offset>`. */
export const REDRIVE_OF_HEADER = 'wabus-redrive-of';
/** Header ingress writes on every event record. */
export const EVENT_ID_HEADER = 'wabus-event-id';

const DLQ_HEADER_PREFIX = 'wabus-dlq-';

/** One record of a dead-letter topic, with the consumer runtime's headers read back (packages/kafka dead-letter.ts). */
export interface DeadLetter {
  /** `<dlq topic>/<partition>/<offset>`: the key of its entry in the actions ledger. */
  id: string;
  dlqTopic: string;
  partition: number;
  offset: string;
  /** The original record's timestamp (the dead letter keeps it). */
  timestamp: string;
  key: string | null;
  value: Buffer | null;
  /**
   * Bytes of the original value left out because the dead-letter topic could not take it (its source topic, partition
   * and offset hold it); null when the value is here.
   */
  valueOmitted: number | null;
  /** The original record's headers, without the `wabus-dlq-*` ones (text). */
  headers: Record<string, string>;
  /** The same, as bytes, for re-producing the record unchanged. */
  originalHeaders: IHeaders;
  error: { code: string; message: string };
  source: { topic: string | null; partition: number | null; offset: string | null };
  group: string | null;
  /** ISO time the consumer dead-lettered it. */
  failedAt: string | null;
  /** The dead letter this one was re-driven from, when it failed again after a re-drive. */
  redriveOf: string | null;
  eventId: string | null;
  event: WhatsAppEvent | null;
  decodeError: { code: string; message: string } | null;
}

export const deadLetterId = (dlqTopic: string, partition: number, offset: string): string => `${dlqTopic}/${partition}/${offset}`;

const intOrNull = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** Reads a dead-letter record back into what it says; never throws (an undecodable value is the usual reason it is here). */
export function parseDeadLetter(r: LogRecord): DeadLetter {
  const h = r.headers;
  const originalHeaders: IHeaders = {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.rawHeaders)) if (!k.startsWith(DLQ_HEADER_PREFIX)) originalHeaders[k] = v;
  for (const [k, v] of Object.entries(h)) if (!k.startsWith(DLQ_HEADER_PREFIX)) headers[k] = v;
  let event: WhatsAppEvent | null = null;
  let decodeError: DeadLetter['decodeError'] = null;
  const valueOmitted = intOrNull(h[DLQ_HEADERS.valueOmitted]);
  if (r.value === null && valueOmitted !== null)
    decodeError = {
      code: 'WABUS_DLQ_VALUE_OMITTED',
      message: `the value (${valueOmitted} bytes) was too large for the dead-letter topic: the original is at ${h[DLQ_HEADERS.topic]}/${h[DLQ_HEADERS.partition]}/${h[DLQ_HEADERS.offset]}`,
    };
  else if (r.value === null) decodeError = { code: 'WABUS_EVENTS_DECODE_FAILED', message: 'record has no value (tombstone)' };
  else {
    try {
      event = decodeEvent(r.value);
    } catch (err) {
      const e = err as Error & { code?: unknown };
      decodeError = { code: typeof e.code === 'string' ? e.code : 'WABUS_EVENTS_DECODE_FAILED', message: e.message };
    }
  }
  const failedAtMs = intOrNull(h[DLQ_HEADERS.failedAt]);
  return {
    id: deadLetterId(r.topic, r.partition, r.offset),
    dlqTopic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    valueOmitted,
    headers,
    originalHeaders,
    error: { code: h[DLQ_HEADERS.code] ?? 'WABUS_UNCLASSIFIED', message: h[DLQ_HEADERS.message] ?? '' },
    source: { topic: h[DLQ_HEADERS.topic] ?? null, partition: intOrNull(h[DLQ_HEADERS.partition]), offset: h[DLQ_HEADERS.offset] ?? null },
    group: h[DLQ_HEADERS.group] ?? null,
    failedAt: failedAtMs === null ? null : new Date(failedAtMs).toISOString(),
    redriveOf: h[REDRIVE_OF_HEADER] ?? null,
    eventId: event?.eventId ?? h[EVENT_ID_HEADER] ?? null,
    event,
    decodeError,
  };
}

/** A dead letter as JSON: the event's raw item and contact as the JSON text they are, the value base64 when undecodable. */
export function deadLetterJson(d: DeadLetter): Record<string, unknown> {
  const { value, originalHeaders: _bytes, event, ...rest } = d;
  return {
    ...rest,
    event: event ? { ...event, raw: event.raw.toString('utf8'), contact: event.contact ? event.contact.toString('utf8') : null } : null,
    ...(event === null && value !== null ? { valueBase64: value.toString('base64') } : {}),
  };
}
