import { createHash } from 'node:crypto';
import { InvalidJsonError } from './errors.ts';
import { customerIdentity } from './customer-identity.ts';
import { computeEventId } from './event-id.ts';
import { routeItem } from './item-routing.ts';
import type { ChangeContext } from './item-routing.ts';
import { asArray, asId, asObject, asString, asUnixSeconds, idAt, objectAt, stringAt } from './json-read.ts';
import { getMember } from './json-node.ts';
import { parseJsonSpans } from './json-spans.ts';
import type { JsonArray, JsonObject } from './json-node.ts';
import type { EventKind, WhatsAppEvent } from './whatsapp-event.ts';

/**
 * Why a signed body is not a webhook envelope (ingress quarantines it). Stable codes:
 * - `invalid_json`: not RFC 8259 JSON (detail has the byte offset);
 * - `not_an_object`: the top-level value is not an object;
 * - `wrong_object`: `object` is missing or not `"whatsapp_business_account"`;
 * - `no_entries`: `entry` is missing, null or `[]` (a delivery with nothing in it);
 * - `bad_entries`: `entry` is not an array;
 * - `bad_entry`: an entry is not an object, has no string/number `id`, or `changes` is not an array;
 * - `bad_change`: a change is not an object, has no non-empty string `field`, no object `value`,
 *   or one of `messages`/`statuses`/`message_echoes`/`errors` is neither an array nor null;
 * - `bad_item`: an element of one of those arrays is not an object.
 * Merely unusual input is accepted: numeric timestamps or ids, missing `metadata`/`contacts`/`time`,
 * unknown fields and keys, empty `changes[]` or item arrays, placeholder strings.
 */
export type ExplodeFailureReason = 'invalid_json' | 'not_an_object' | 'wrong_object' | 'no_entries' | 'bad_entries' | 'bad_entry' | 'bad_change' | 'bad_item';

export type ExplodeResult =
  { ok: true; deliveryId: string; events: WhatsAppEvent[] } | { ok: false; deliveryId: string; reason: ExplodeFailureReason; detail: string };

export interface ExplodeOptions {
  /** When ingress received the body, epoch milliseconds. */
  receivedAt: number;
}

const ITEM_ARRAYS: ReadonlyArray<readonly [string, EventKind]> = [
  ['messages', 'message'],
  ['statuses', 'status'],
  ['message_echoes', 'message_echo'],
  ['errors', 'error'],
];

interface Failure {
  reason: ExplodeFailureReason;
  detail: string;
}

interface EntryContext {
  body: Buffer;
  deliveryId: string;
  receivedAt: number;
  wabaId: string;
  entryIndex: number;
  entryTime: number | null;
  entryTimeText: string | null;
}

/**
 * Splits one webhook body into events, one per item, each keeping its exact bytes. Reads only what
 * routing needs; typed interpretation is `parseItem`'s job. Never throws on any input.
 */
export function explodeWebhook(body: Buffer, opts: ExplodeOptions): ExplodeResult {
  const deliveryId = createHash('sha256').update(body).digest('hex');
  const fail = (f: Failure): ExplodeResult => ({ ok: false, deliveryId, reason: f.reason, detail: f.detail });

  let root;
  try {
    root = parseJsonSpans(body);
  } catch (err) {
    if (err instanceof InvalidJsonError) return fail({ reason: 'invalid_json', detail: err.message });
    throw err;
  }
  if (root.type !== 'object') return fail({ reason: 'not_an_object', detail: `top-level value is ${root.type}` });
  const object = getMember(root, 'object');
  if (asString(object) !== 'whatsapp_business_account') {
    const got = object === undefined ? 'missing' : body.toString('utf8', object.start, Math.min(object.end, object.start + 64));
    return fail({ reason: 'wrong_object', detail: `"object" is ${got}` });
  }
  const entryNode = getMember(root, 'entry');
  if (entryNode === undefined || entryNode.type === 'null') return fail({ reason: 'no_entries', detail: '"entry" is missing' });
  if (entryNode.type !== 'array') return fail({ reason: 'bad_entries', detail: `"entry" is ${entryNode.type}, not array` });
  if (entryNode.items.length === 0) return fail({ reason: 'no_entries', detail: '"entry" is empty' });

  const events: WhatsAppEvent[] = [];
  for (let e = 0; e < entryNode.items.length; e++) {
    const entry = asObject(entryNode.items[e]);
    if (entry === null) return fail({ reason: 'bad_entry', detail: `entry[${e}] is not an object` });
    const wabaId = idAt(entry, 'id');
    if (wabaId === null) return fail({ reason: 'bad_entry', detail: `entry[${e}] has no string or number "id"` });
    const changes = asArray(getMember(entry, 'changes'));
    if (changes === null) return fail({ reason: 'bad_entry', detail: `entry[${e}].changes is not an array` });
    const time = getMember(entry, 'time');
    const ctx: EntryContext = {
      body,
      deliveryId,
      receivedAt: opts.receivedAt,
      wabaId,
      entryIndex: e,
      entryTime: asUnixSeconds(time),
      entryTimeText: asId(time),
    };
    const failure = explodeChanges(ctx, changes, events);
    if (failure !== null) return fail(failure);
  }
  return { ok: true, deliveryId, events };
}

function explodeChanges(ctx: EntryContext, changes: JsonArray, out: WhatsAppEvent[]): Failure | null {
  for (let c = 0; c < changes.items.length; c++) {
    const where = `entry[${ctx.entryIndex}].changes[${c}]`;
    const change = asObject(changes.items[c]);
    if (change === null) return { reason: 'bad_change', detail: `${where} is not an object` };
    const field = stringAt(change, 'field');
    if (field === null || field === '') return { reason: 'bad_change', detail: `${where} has no string "field"` };
    const value = objectAt(change, 'value');
    if (value === null) return { reason: 'bad_change', detail: `${where} has no object "value"` };

    const metadata = objectAt(value, 'metadata');
    const phoneNumberId = idAt(metadata, 'phone_number_id');
    const displayPhoneNumber = idAt(metadata, 'display_phone_number');
    const contacts = (asArray(getMember(value, 'contacts'))?.items ?? []).filter((n): n is JsonObject => n.type === 'object');
    const changeCtx: ChangeContext = { field, value, contacts, entryTime: ctx.entryTime };
    const emit = (kind: EventKind, item: JsonObject, index: number): void => {
      const routing = routeItem(kind, item, changeCtx);
      // A value-level error has no identity of its own: it is identified within its change value.
      const idSpan = kind === 'error' ? value : item;
      const eventId = computeEventId({
        kind,
        field,
        wabaId: ctx.wabaId,
        phoneNumberId,
        entryTime: ctx.entryTimeText,
        body: ctx.body,
        start: idSpan.start,
        end: idSpan.end,
        index,
      });
      const customerId = routing.customerId;
      const identity = customerIdentity(kind, item, routing.contact, value);
      out.push({
        eventId,
        kind,
        field,
        wabaId: ctx.wabaId,
        phoneNumberId,
        displayPhoneNumber,
        customerId,
        itemId: routing.itemId,
        itemType: routing.itemType,
        metaTimestamp: routing.metaTimestamp,
        receivedAt: ctx.receivedAt,
        deliveryId: ctx.deliveryId,
        position: { entry: ctx.entryIndex, change: c, item: index },
        key: eventKey(phoneNumberId, ctx.wabaId),
        contact: routing.contact === null ? null : ctx.body.subarray(routing.contact.start, routing.contact.end),
        raw: ctx.body.subarray(item.start, item.end),
        tenantId: null,
        customerPhone: identity.phone,
        customerUserId: identity.userId,
        customerParentUserId: identity.parentUserId,
        customerUsername: identity.username,
      });
    };

    let emitted = 0;
    for (const [arrayKey, kind] of ITEM_ARRAYS) {
      const node = getMember(value, arrayKey);
      if (node === undefined || node.type === 'null') continue;
      if (node.type !== 'array') return { reason: 'bad_change', detail: `${where}.value.${arrayKey} is not an array` };
      for (let i = 0; i < node.items.length; i++) {
        const item = asObject(node.items[i]);
        if (item === null) return { reason: 'bad_item', detail: `${where}.value.${arrayKey}[${i}] is not an object` };
        emit(kind, item, i);
        emitted++;
      }
    }
    // Nothing itemised (other fields, or only empty arrays): the whole change is one event, so no
    // update is ever dropped.
    if (emitted === 0) emit('change', value, 0);
  }
  return null;
}

/**
 * The Kafka key of every event of a body: the business number that received it, else (account-level changes) the
 * WABA. Never the user: docs/identity.md says why a person's events must not change key when a phone number or a
 * BSUID appears or disappears, and why this is the only key a single body can decide alone.
 */
export function eventKey(phoneNumberId: string | null, wabaId: string): string {
  return phoneNumberId ?? wabaId;
}
