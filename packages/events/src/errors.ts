import { defineErrors } from '@wabus/errors';

/**
 * Stable error codes of `@wabus/events`. Callers classify by `code`, never by message (the consumer runtime maps
 * codes to retry / dead-letter / skip). None reaches an API as such: no HTTP status.
 */
export const EVENTS_ERRORS = {
  WABUS_EVENTS_INVALID_JSON: { message: 'not valid JSON (RFC 8259)' },
  WABUS_EVENTS_BAD_MAGIC: { message: 'not an Avro single-object encoded record (bad header)' },
  WABUS_EVENTS_UNKNOWN_SCHEMA: { message: 'no writer schema registered for this fingerprint' },
  WABUS_EVENTS_DECODE_FAILED: { message: 'cannot decode the record' },
  WABUS_EVENTS_UNKNOWN_KIND: { message: 'unknown event kind (newer producer?)' },
  WABUS_EVENTS_ENCODE_FAILED: { message: 'cannot encode the event' },
  WABUS_EVENTS_INCOMPATIBLE_SCHEMA: { message: 'the writer schema cannot be read with the reader schema' },
  WABUS_EVENTS_BAD_SEND_EVENT: { message: 'not a send event of whatsapp.sends.v1' },
} as const;

export type EventsErrorCode = keyof typeof EVENTS_ERRORS;

export class EventsError extends defineErrors('EventsError', EVENTS_ERRORS) {}

/** A JSON text that does not follow RFC 8259; `offset` is the byte where parsing stopped. */
export class InvalidJsonError extends EventsError {
  readonly offset: number;

  constructor(reason: string, offset: number) {
    super('WABUS_EVENTS_INVALID_JSON', { message: `${reason} at byte ${offset}` });
    this.name = 'InvalidJsonError';
    this.offset = offset;
  }
}

/** The writer schema's fingerprint is not in the codec's registry; `fingerprint` is 16 hex digits. */
export class UnknownSchemaError extends EventsError {
  readonly fingerprint: string;

  constructor(fingerprint: string) {
    super('WABUS_EVENTS_UNKNOWN_SCHEMA', { message: `no writer schema registered for fingerprint 0x${fingerprint}` });
    this.name = 'UnknownSchemaError';
    this.fingerprint = fingerprint;
  }
}
