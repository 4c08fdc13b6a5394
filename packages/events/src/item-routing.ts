import { arrayAt, asObject, asUnixSeconds, idAt, stringAt } from './json-read.ts';
import { getMember } from './json-node.ts';
import type { JsonNode, JsonObject } from './json-node.ts';
import type { EventKind } from './whatsapp-event.ts';

/** What routing needs to know about one change's `value`, read once per change. */
export interface ChangeContext {
  field: string;
  value: JsonObject;
  contacts: JsonObject[];
  entryTime: number | null;
}

export interface ItemRouting {
  customerId: string | null;
  itemId: string | null;
  itemType: string | null;
  metaTimestamp: number | null;
  contact: JsonObject | null;
}

/**
 * Routing fields of one item; `item` is the change value itself for kind `change`.
 *
 * customerId, in order:
 * - message: `from`, else `from_user_id`; status: `recipient_id`, else `recipient_user_id`;
 *   echo: `to`, else `to_user_id` (the user, not the business, is the conversation's other side);
 * - then, for every kind, the `wa_id` (else `user_id`) of the value's contacts[] when it holds
 *   exactly one entry (covers value-level errors and BSUID-only messages without `from`);
 * - for a change without contacts: `user_preferences[0].wa_id`, or the user side of `calls[0]`
 *   (`to` on a BUSINESS_INITIATED call, else `from`).
 * Anything less obvious is left null: the key then falls back to the phone number.
 */
export function routeItem(kind: EventKind, item: JsonObject, ctx: ChangeContext): ItemRouting {
  const sole = ctx.contacts.length === 1 ? ctx.contacts[0]! : null;
  const soleId = sole === null ? null : contactId(sole);
  let customerId: string | null;
  let itemId: string | null = null;
  let itemType: string | null;
  let metaTimestamp: number | null;
  switch (kind) {
    case 'message':
      customerId = idAt(item, 'from') ?? idAt(item, 'from_user_id') ?? soleId;
      itemId = idAt(item, 'id');
      itemType = stringAt(item, 'type');
      metaTimestamp = asUnixSeconds(getMember(item, 'timestamp'));
      break;
    case 'message_echo':
      customerId = idAt(item, 'to') ?? idAt(item, 'to_user_id') ?? soleId;
      itemId = idAt(item, 'id');
      itemType = stringAt(item, 'type');
      metaTimestamp = asUnixSeconds(getMember(item, 'timestamp'));
      break;
    case 'status':
      customerId = idAt(item, 'recipient_id') ?? idAt(item, 'recipient_user_id') ?? soleId;
      itemId = idAt(item, 'id');
      itemType = stringAt(item, 'status');
      metaTimestamp = asUnixSeconds(getMember(item, 'timestamp'));
      break;
    case 'error':
      customerId = soleId;
      itemType = idAt(item, 'code');
      metaTimestamp = ctx.entryTime;
      break;
    case 'change': {
      const call = asObject(arrayAt(item, 'calls')?.items[0]);
      customerId = soleId ?? firstUserPreferenceId(item) ?? callUserId(call);
      itemId = idAt(call, 'id');
      itemType = ctx.field;
      metaTimestamp = ctx.entryTime ?? asUnixSeconds(getMember(item, 'timestamp')) ?? firstItemTimestamp(item);
      break;
    }
  }
  return { customerId, itemId, itemType, metaTimestamp, contact: matchContact(ctx.contacts, customerId, sole) };
}

export function contactId(contact: JsonObject): string | null {
  return idAt(contact, 'wa_id') ?? idAt(contact, 'user_id');
}

/** The contacts[] entry whose wa_id or user_id is the customer, else the only entry. */
function matchContact(contacts: JsonObject[], customerId: string | null, sole: JsonObject | null): JsonObject | null {
  if (customerId !== null) {
    for (const c of contacts) {
      if (idAt(c, 'wa_id') === customerId || idAt(c, 'user_id') === customerId) return c;
    }
  }
  return sole;
}

function firstUserPreferenceId(value: JsonObject): string | null {
  const first = arrayAt(value, 'user_preferences')?.items[0];
  return idAt(first, 'wa_id') ?? idAt(first, 'user_id');
}

function callUserId(call: JsonObject | null): string | null {
  if (call === null) return null;
  return stringAt(call, 'direction') === 'BUSINESS_INITIATED' ? idAt(call, 'to') : idAt(call, 'from');
}

/** The timestamp of the first element of the first array in the value that has one (calls, groups, ...). */
function firstItemTimestamp(value: JsonObject): number | null {
  for (const m of value.members) {
    if (m.value.type !== 'array') continue;
    const first: JsonNode | undefined = m.value.items[0];
    const ts = asUnixSeconds(getMember(first, 'timestamp'));
    if (ts !== null) return ts;
  }
  return null;
}
