import type { Detail, HistoryEntry, TemplateFact } from './account-fact.ts';
import { asObject, MAX_TEXT, pick, text, type JsonObject } from './value-read.ts';

export const TEMPLATE_FIELDS = ['message_template_status_update', 'template_category_update', 'message_template_quality_update'] as const;

/**
 * `event` values of message_template_status_update that ARE the template's status (Meta's webhook reference,
 * message_template_status_update, <EVENT>).
 */
const STATUS_EVENTS = new Set([
  'APPROVED',
  'REJECTED',
  'PENDING',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'ARCHIVED',
  'DELETED',
  'PENDING_DELETION',
  'LIMIT_EXCEEDED',
]);

/**
 * Events that make a template usable again: REINSTATED ("no longer flagged or disabled and can be sent again");
 * UNARCHIVED returns an archived template to approved without a new review.
 */
const BACK_TO_APPROVED = new Set(['REINSTATED', 'UNARCHIVED']);

/** A template's key language: Meta writes `en_US` and (in older payloads) `en-US` for one language. */
export const languageKey = (language: string): string => language.replaceAll('-', '_').toLowerCase();

/** A template's document id: its WABA, name and language (what a send names it by). */
export const templateId = (wabaId: string, name: string, language: string): string => `${wabaId}/${name}/${languageKey(language)}`;

/** What the event sets: status events are the status, FLAGGED a warning beside it, LOCKED/UNLOCKED editability. */
function statusEntry(v: JsonObject): Pick<HistoryEntry, 'aspect' | 'value'> {
  const event = text(v['event']);
  if (event === null) return { aspect: null, value: null };
  if (STATUS_EVENTS.has(event)) return { aspect: 'status', value: event };
  if (BACK_TO_APPROVED.has(event)) return { aspect: 'status', value: 'APPROVED' };
  if (event === 'FLAGGED') return { aspect: 'flag', value: event };
  if (event === 'LOCKED' || event === 'UNLOCKED') return { aspect: 'lock', value: event };
  // An event Meta adds later: kept in history, moves nothing.
  return { aspect: null, value: event };
}

function entryOf(field: string, v: JsonObject): Pick<HistoryEntry, 'aspect' | 'value' | 'detail'> {
  const id = { templateId: text(v['message_template_id']) };
  switch (field) {
    case 'message_template_status_update': {
      const detail: Detail = {
        ...id,
        event: text(v['event']),
        reason: text(v['reason']),
        category: text(v['message_template_category']),
        disableDate: text(asObject(v['disable_info'])?.['disable_date']),
        ...pick(asObject(v['other_info']), { title: 'title', description: 'description' }),
        ...pick(asObject(v['rejection_info']), { rejectionReason: 'reason', recommendation: 'recommendation' }),
      };
      return { ...statusEntry(v), detail };
    }
    case 'template_category_update':
      return {
        aspect: 'category',
        value: text(v['new_category']),
        detail: { ...id, ...pick(v, { previous: 'previous_category', correct: 'correct_category' }) },
      };
    default:
      return { aspect: 'quality', value: text(v['new_quality_score']), detail: { ...id, ...pick(v, { previous: 'previous_quality_score' }) } };
  }
}

/** A name or language usable as a key: a non-empty string that was not cut. */
const keyText = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT ? text(v) : null);

export type ReadTemplate = { ok: true; fact: TemplateFact } | { ok: false; reason: string };

/** The fact of a template change: its entity is (WABA, name, language); without a name or a language it has none. */
export function readTemplateFact(
  e: { eventId: string; field: string; wabaId: string; metaTimestamp: number | null; tenantId: string | null },
  value: JsonObject,
): ReadTemplate {
  const name = keyText(value['message_template_name']);
  const language = keyText(value['message_template_language']);
  if (name === null || language === null)
    return { ok: false, reason: `${e.field} event ${e.eventId} names no template (message_template_name and message_template_language)` };
  const entry: HistoryEntry = { eventId: e.eventId, field: e.field, timestamp: e.metaTimestamp, wabaId: e.wabaId, ...entryOf(e.field, value) };
  return {
    ok: true,
    fact: { entity: 'template', id: templateId(e.wabaId, name, language), tenantId: e.tenantId, keys: { wabaId: e.wabaId, name, language }, entry },
  };
}
