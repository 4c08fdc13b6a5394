/**
 * Stable error codes of `@wabus/events`. Callers classify by `code`, never by message
 * (the consumer runtime maps codes to retry / dead-letter / skip).
 */
export type EventsErrorCode =
  | 'WABUS_EVENTS_INVALID_JSON'
  | 'WABUS_EVENTS_BAD_MAGIC'
  | 'WABUS_EVENTS_UNKNOWN_SCHEMA'
  | 'WABUS_EVENTS_DECODE_FAILED'
  | 'WABUS_EVENTS_UNKNOWN_KIND'
  | 'WABUS_EVENTS_ENCODE_FAILED'
  | 'WABUS_EVENTS_INCOMPATIBLE_SCHEMA';

export class EventsError extends Error {
  readonly code: EventsErrorCode;

  constructor(code: EventsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventsError';
    this.code = code;
  }
}

/** A JSON text that does not follow RFC 8259; `offset` is the byte where parsing stopped. */
export class InvalidJsonError extends EventsError {
  readonly offset: number;

  constructor(reason: string, offset: number) {
    super('WABUS_EVENTS_INVALID_JSON', `${reason} at byte ${offset}`);
    this.name = 'InvalidJsonError';
    this.offset = offset;
  }
}

/** The writer schema's fingerprint is not in the codec's registry; `fingerprint` is 16 hex digits. */
export class UnknownSchemaError extends EventsError {
  readonly fingerprint: string;

  constructor(fingerprint: string) {
    super('WABUS_EVENTS_UNKNOWN_SCHEMA', `no writer schema registered for fingerprint 0x${fingerprint}`);
    this.name = 'UnknownSchemaError';
    this.fingerprint = fingerprint;
  }
}

export function isEventsError(err: unknown): err is EventsError {
  return err instanceof EventsError;
}
