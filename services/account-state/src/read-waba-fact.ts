import type { HistoryEntry, WabaFact } from './account-fact.ts';
import { asObject, count, firstText, pick, seconds, text, type JsonObject } from './value-read.ts';

export const WABA_FIELDS = ['account_update', 'account_alerts', 'account_review_update', 'business_capability_update'] as const;

/** ACCOUNT_RESTRICTION: the restriction types (sorted, distinct) and when the last one expires. */
function restriction(v: JsonObject): Pick<HistoryEntry, 'value' | 'detail'> {
  const list = Array.isArray(v['restriction_info']) ? v['restriction_info'] : [];
  const types = new Set<string>();
  let until: number | null = null;
  let unknownEnd = false;
  for (const r of list) {
    const o = asObject(r);
    const type = text(o?.['restriction_type']);
    if (type !== null) types.add(type);
    const end = seconds(o?.['expiration']);
    if (end === null) unknownEnd = true;
    else until = Math.max(until ?? end, end);
  }
  // Without restriction_info the event lifts what was there (Meta sends it so for unbans).
  return {
    value: types.size > 0 ? 'RESTRICTED' : 'NONE',
    detail: { types: [...types].sort().join(',') || null, until: unknownEnd ? null : until, phoneNumber: text(v['phone_number']) },
  };
}

function accountUpdate(v: JsonObject): Pick<HistoryEntry, 'aspect' | 'value' | 'detail'> {
  const event = text(v['event']);
  const common = { event, phoneNumber: text(v['phone_number']) };
  switch (event) {
    case 'DISABLED_UPDATE': {
      const ban = asObject(v['ban_info']);
      return { aspect: 'ban', value: firstText(ban?.['waba_ban_state']), detail: { ...common, banDate: text(ban?.['waba_ban_date']) } };
    }
    case 'ACCOUNT_RESTRICTION':
      return { aspect: 'restriction', ...restriction(v) };
    case 'ACCOUNT_VIOLATION':
      return { aspect: 'violation', value: text(asObject(v['violation_info'])?.['violation_type']), detail: common };
    default:
      // Verification, partners, pricing, deletion, offboarding...: the latest of them, and the history.
      return { aspect: event === null ? null : 'account', value: event, detail: common };
  }
}

function entryOf(field: string, v: JsonObject): Pick<HistoryEntry, 'aspect' | 'value' | 'detail'> {
  switch (field) {
    case 'account_update':
      return accountUpdate(v);
    case 'account_alerts': {
      const info = asObject(v['alert_info']);
      const detail = {
        ...pick(v, { entityType: 'entity_type', entityId: 'entity_id' }),
        ...pick(info, { alertType: 'alert_type', severity: 'alert_severity', description: 'alert_description' }),
      };
      // One aspect per alert (entity and type): each alert's latest status, ACTIVE or NONE.
      return { aspect: `alert/${detail.entityType}/${detail.entityId}/${detail.alertType}`, value: text(info?.['alert_status']), detail };
    }
    case 'account_review_update':
      return { aspect: 'review', value: text(v['decision']), detail: {} };
    default: {
      const limits = {
        maxDailyConversationPerPhone: count(v['max_daily_conversation_per_phone']),
        maxDailyConversationsPerBusiness: text(v['max_daily_conversations_per_business']),
        maxPhoneNumbersPerBusiness: count(v['max_phone_numbers_per_business']),
        maxPhoneNumbersPerWaba: count(v['max_phone_numbers_per_waba']),
      };
      return { aspect: 'capability', value: null, detail: limits };
    }
  }
}

/** The fact of a WABA-level change: its entity is the WABA of the entry (`entry.id`). */
export function readWabaFact(
  e: { eventId: string; field: string; wabaId: string; metaTimestamp: number | null; tenantId: string | null },
  value: JsonObject,
): WabaFact {
  const entry: HistoryEntry = { eventId: e.eventId, field: e.field, timestamp: e.metaTimestamp, wabaId: e.wabaId, ...entryOf(e.field, value) };
  return { entity: 'waba', id: e.wabaId, tenantId: e.tenantId, keys: {}, entry };
}
