import { arrayAt, asObject, idAt, objectAt, stringAt } from './json-read.ts';
import type { JsonObject } from './json-node.ts';
import type { EventKind } from './whatsapp-event.ts';

/** Every identifier of the user one item is about, as the body gives them. */
export interface CustomerIdentity {
  phone: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
}

export const NO_IDENTITY: CustomerIdentity = Object.freeze({ phone: null, userId: null, parentUserId: null, username: null });

/**
 * A business-scoped user id: an ISO 3166 alpha-2 country code, a dot, then alphanumerics (parent BSUIDs add `ENT.`:
 * `US.ENT.1181…`). A phone number (wa_id) is digits only, so the two never collide.
 */
const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,256}$/;
export const isBusinessScopedId = (id: string): boolean => BSUID.test(id);

/** A numeric Meta id as wabus takes it (a business number's id, a WABA's, a phone number as `to`): 1 to 32 digits. */
export const DIGITS_ID = /^\d{1,32}$/;

/**
 * The user's identifiers for one item, from the item itself first, then from its `contacts[]` entry:
 * - message: `from`, `from_user_id`, `from_parent_user_id`; echo: `to`, `to_user_id`, `to_parent_user_id`;
 * - status: `recipient_id` (not for group sends, where it is the group), `recipient_user_id`,
 *   `recipient_parent_user_id` (`parent_recipient_user_id` before Meta's May 2026 rename); for group sends the
 *   participant's `recipient_participant_id` / `recipient_participant_user_id`;
 * - change: the first `user_preferences[]` entry, else the user side of the first call;
 * - then the contact: `wa_id`, `user_id`, `parent_user_id`, `profile.username`, when it is this user's (it names one
 *   of the item's ids, or the item names none).
 * Defensive reading (some payloads put a BSUID where a phone belongs): a BSUID-shaped phone is taken as the BSUID,
 * and empty strings are absent.
 */
export function customerIdentity(kind: EventKind, item: JsonObject, contact: JsonObject | null, value: JsonObject | null): CustomerIdentity {
  let phone: string | null = null;
  let userId: string | null = null;
  let parentUserId: string | null = null;
  switch (kind) {
    case 'message':
      phone = idAt(item, 'from');
      userId = idAt(item, 'from_user_id');
      parentUserId = idAt(item, 'from_parent_user_id');
      break;
    case 'message_echo':
      phone = idAt(item, 'to');
      userId = idAt(item, 'to_user_id');
      parentUserId = idAt(item, 'to_parent_user_id');
      break;
    case 'status':
      if (stringAt(item, 'recipient_type') === 'group') {
        phone = idAt(item, 'recipient_participant_id');
        userId = idAt(item, 'recipient_participant_user_id');
        parentUserId = idAt(item, 'recipient_participant_parent_user_id');
        // The group's own contacts[] (if any) are not this participant.
        return normalise(phone, userId, parentUserId, null);
      }
      phone = idAt(item, 'recipient_id');
      userId = idAt(item, 'recipient_user_id');
      parentUserId = idAt(item, 'recipient_parent_user_id') ?? idAt(item, 'parent_recipient_user_id');
      break;
    case 'error':
      break;
    case 'change': {
      const pref = asObject(arrayAt(value, 'user_preferences')?.items[0]);
      const call = asObject(arrayAt(value, 'calls')?.items[0]);
      if (pref !== null) {
        phone = idAt(pref, 'wa_id');
        userId = idAt(pref, 'user_id');
        parentUserId = idAt(pref, 'parent_user_id');
      } else if (call !== null) {
        const outbound = stringAt(call, 'direction') === 'BUSINESS_INITIATED';
        phone = idAt(call, outbound ? 'to' : 'from');
        userId = idAt(call, outbound ? 'to_user_id' : 'from_user_id');
      }
      break;
    }
  }
  const contactPhone = idAt(contact, 'wa_id');
  const contactUserId = idAt(contact, 'user_id');
  // The contact is this user's only if it names one of the item's own ids, or if the item names none (then it is
  // the change's sole contact, the best there is). A sole contact of someone else (a body batching a message from one
  // user and a status of another) must not lend its ids: that would make two people one.
  const ownIds = [phone, userId].filter((x): x is string => x !== null && x !== '');
  const contactIsUser = ownIds.length === 0 || ownIds.some((id) => id === contactPhone || id === contactUserId);
  if (!contactIsUser) return normalise(phone, userId, parentUserId, null);
  return normalise(
    phone ?? contactPhone,
    userId ?? contactUserId,
    parentUserId ?? idAt(contact, 'parent_user_id'),
    stringAt(objectAt(contact, 'profile'), 'username') ?? stringAt(contact, 'username'),
  );
}

function normalise(phone: string | null, userId: string | null, parentUserId: string | null, username: string | null): CustomerIdentity {
  let p = nonEmpty(phone);
  let u = nonEmpty(userId);
  if (p !== null && isBusinessScopedId(p)) {
    if (u === null) u = p;
    p = null;
  }
  return { phone: p, userId: u, parentUserId: nonEmpty(parentUserId), username: nonEmpty(username) };
}

const nonEmpty = (s: string | null): string | null => (s === null || s.trim() === '' ? null : s);
