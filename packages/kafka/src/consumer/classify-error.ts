/**
 * Errors that can never succeed on retry, by code. Everything else (network, timeouts, a store that is down, a
 * bug that may be fixed by a redeploy) is transient: retried forever, never dead-lettered.
 */
const PERMANENT_CODES = new Set([
  'WABUS_EVENTS_BAD_MAGIC',
  'WABUS_EVENTS_UNKNOWN_SCHEMA',
  'WABUS_EVENTS_DECODE_FAILED',
  'WABUS_EVENTS_UNKNOWN_KIND',
  'WABUS_EVENT_REJECTED',
]);

/** An event the handler can never apply; it goes to the dead-letter topic with this code. */
export class EventRejectedError extends Error {
  readonly code: string;
  readonly permanent = true;

  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options);
    this.name = 'EventRejectedError';
    this.code = options?.code ?? 'WABUS_EVENT_REJECTED';
  }
}

export function isPermanent(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { permanent?: unknown; code?: unknown };
  return e.permanent === true || (typeof e.code === 'string' && PERMANENT_CODES.has(e.code));
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : typeof code === 'number' ? `E${code}` : 'WABUS_UNCLASSIFIED';
}
