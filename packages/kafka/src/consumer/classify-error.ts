import { CodedError } from '@wabus/errors';

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

/**
 * An event the handler can never apply; it goes to the dead-letter topic with this code. Not a `defineErrors` class:
 * the code is the rejecting service's own (`WABUS_CRM_REJECTED`, `WABUS_MESSAGE_STORE_INVALID`, ...), which this
 * package cannot list, and what the runtime reads is `permanent`.
 */
export class EventRejectedError extends CodedError {
  readonly permanent = true;

  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super('EventRejectedError', options?.code ?? 'WABUS_EVENT_REJECTED', { message }, { cause: options?.cause });
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

/**
 * The group coordinator's answer that this member's generation is over: expelled after its session timed out (a
 * process frozen longer than the session timeout), or a rebalance under way. Nothing it does for the old assignment
 * can be committed any more, so retrying cannot help. kafkajs wraps the protocol error (`cause`) when it gives up.
 */
const GENERATION_OVER = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);

export function isGenerationOver(err: unknown): boolean {
  for (let e = err as { type?: unknown; cause?: unknown } | null, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && GENERATION_OVER.has(e.type)) return true;
  }
  return false;
}
