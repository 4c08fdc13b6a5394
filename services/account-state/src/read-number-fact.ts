import type { HistoryEntry, PhoneNumberFact } from './account-fact.ts';
import { displayDigits, pick, text, type JsonObject } from './value-read.ts';

export const NUMBER_FIELDS = ['phone_number_quality_update', 'phone_number_name_update', 'security'] as const;

function entryOf(field: string, v: JsonObject): Pick<HistoryEntry, 'aspect' | 'value' | 'detail'> {
  switch (field) {
    case 'phone_number_quality_update':
      // `quality_rating` is not in Meta's current reference (the number's GREEN/YELLOW/RED is a Graph API field);
      // some providers' payloads carry it, so it is read when present.
      return {
        aspect: 'quality',
        value: text(v['event']),
        detail: pick(v, {
          currentLimit: 'current_limit',
          oldLimit: 'old_limit',
          maxDailyConversationsPerBusiness: 'max_daily_conversations_per_business',
          qualityRating: 'quality_rating',
        }),
      };
    case 'phone_number_name_update':
      return {
        aspect: 'name',
        value: text(v['decision']),
        detail: pick(v, { requestedVerifiedName: 'requested_verified_name', rejectionReason: 'rejection_reason' }),
      };
    default:
      return { aspect: 'security', value: text(v['event']), detail: pick(v, { requester: 'requester' }) };
  }
}

export type ReadNumber = { ok: true; fact: PhoneNumberFact } | { ok: false; reason: string };

/**
 * The fact of a business number's change. These changes name the number by its display number only (no
 * `phone_number_id`: Meta's reference), so that is the entity's id; the Meta id is joined from other events.
 */
export function readNumberFact(
  e: { eventId: string; field: string; wabaId: string; metaTimestamp: number | null; tenantId: string | null },
  value: JsonObject,
): ReadNumber {
  const id = displayDigits(value['display_phone_number']);
  if (id === null) return { ok: false, reason: `${e.field} event ${e.eventId} names no business number (display_phone_number)` };
  const entry: HistoryEntry = { eventId: e.eventId, field: e.field, timestamp: e.metaTimestamp, wabaId: e.wabaId, ...entryOf(e.field, value) };
  return { ok: true, fact: { entity: 'phoneNumber', kind: 'entry', id, tenantId: e.tenantId, keys: {}, entry } };
}

/**
 * Any event with `metadata` (messages, statuses, echoes, phone-level changes) shows which Meta number id and WABA a
 * display number belongs to: the join that lets the API (and the sender) find a number by its id.
 */
export function readNumberIdentity(e: {
  wabaId: string;
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  metaTimestamp: number | null;
  tenantId: string | null;
}): PhoneNumberFact | null {
  const id = displayDigits(e.displayPhoneNumber);
  const phoneNumberId = text(e.phoneNumberId);
  if (id === null || phoneNumberId === null) return null;
  return { entity: 'phoneNumber', kind: 'identity', id, tenantId: e.tenantId, identity: { phoneNumberId, wabaId: e.wabaId, timestamp: e.metaTimestamp } };
}
