import { createHash } from 'node:crypto';
import { minify } from './json-minify.ts';
import type { EventKind } from './whatsapp-event.ts';

/** Bump only together with a deliberate change of the id recipe: it changes every id. */
export const EVENT_ID_VERSION = 'wabus.event-id.v1';

export interface EventIdInput {
  kind: EventKind;
  field: string;
  wabaId: string;
  phoneNumberId: string | null;
  /** `entry.time`, used for kinds `change` and `error` only. */
  entryTime: string | null;
  body: Buffer;
  /** The span hashed as the item: the item itself, or the whole change value (kinds change and error). */
  start: number;
  end: number;
  /** Position of the item inside the hashed span, for kind `error` (0 otherwise). */
  index: number;
}

/**
 * Deterministic event id, used by consumers to drop Meta's re-deliveries.
 *
 * Why these inputs:
 * - Meta re-delivers the same update for up to 7 days and may batch it differently each time, so
 *   nothing about the delivery (body hash, position, arrival time, other items) may enter the id.
 * - The item's own bytes are what identify it: messages and statuses carry their wamid and
 *   timestamp, and a status's bytes differ per status value. Bytes are minified so indentation
 *   and batching layout do not matter; escapes are kept as sent (we never re-serialise), so if Meta
 *   ever re-encoded a string differently we would emit a duplicate id-miss, never a collision.
 * - kind, field, WABA and phone number id are added because identical bytes can mean different
 *   things in different places (a placeholder-laden test item sent to two numbers is two items).
 * - A `change` value (`{"event":"VERIFIED_ACCOUNT"}`) has no id or time of its own and can
 *   legitimately repeat, so `entry.time` is added to tell two occasions apart.
 * - A value-level error (`{"code":131000,...}`) has no id or time either; it is hashed together with
 *   its whole change value (which holds the messages it is about, with their ids and timestamps)
 *   and its index there. A re-batched re-delivery then yields a new id (a duplicate downstream,
 *   harmless for a diagnostic), but two distinct occurrences never share one.
 * The header is JSON-framed and precedes the bytes, so no two inputs can produce the same preimage.
 */
export function computeEventId(input: EventIdInput): string {
  const contextual = input.kind === 'change' || input.kind === 'error';
  const header = JSON.stringify([
    EVENT_ID_VERSION,
    input.kind,
    input.field,
    input.wabaId,
    input.phoneNumberId,
    contextual ? input.entryTime : null,
    input.kind === 'error' ? input.index : 0,
  ]);
  return createHash('sha256')
    .update(`${header}\n`)
    .update(minify(input.body, input.start, input.end))
    .digest('hex');
}
