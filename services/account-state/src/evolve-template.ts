import type { HistoryEntry, TemplateFact } from './account-fact.ts';
import { TEMPLATE_ALERTS, type TemplateDocument } from './account-documents.ts';
import { lastTimestamp, latestOf, least, notOlder, withEntry } from './entry-order.ts';
import { languageKey } from './read-template-fact.ts';

/** At equal Meta time, a status that is not APPROVED wins: when in doubt, a template is not sendable. */
const rankTemplate = (e: HistoryEntry): number => (e.aspect === 'status' && e.value !== 'APPROVED' ? 1 : 0);

/** Meta's template id of the latest entry that carries one. */
function latestTemplateId(history: readonly HistoryEntry[]): string | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const id = history[i]!.detail['templateId'];
    if (typeof id === 'string') return id;
  }
  return null;
}

/**
 * A template after one more event, pure. The status is the latest status event by Meta's time (an older event
 * arriving later never overwrites a newer one; ties: rankTemplate, then value, then event id); FLAGGED shows while
 * no status event is newer; category and quality are their latest updates. A join (entry-order.ts): any order and
 * any repeats of the same events give the same document, byte for byte.
 */
export function evolveTemplate(current: TemplateDocument | null, fact: TemplateFact): TemplateDocument {
  const history = withEntry(current?.history ?? [], fact.entry);
  const status = latestOf(history, 'status', rankTemplate);
  const flag = latestOf(history, 'flag', rankTemplate);
  const language = least(current?.language ?? null, fact.keys.language) ?? fact.keys.language;
  // Fixed key order, no `undefined`: equal content must be equal bytes (the content hash relies on it).
  return {
    _id: fact.id,
    wabaId: fact.keys.wabaId,
    name: fact.keys.name,
    language,
    languageKey: languageKey(language),
    tenantId: least(current?.tenantId ?? null, fact.tenantId),
    templateId: latestTemplateId(history),
    status,
    flagged: notOlder(flag, status) ? flag : null,
    lock: latestOf(history, 'lock', rankTemplate),
    category: latestOf(history, 'category', rankTemplate),
    quality: latestOf(history, 'quality', rankTemplate),
    lastTimestamp: lastTimestamp(history),
    alert: (TEMPLATE_ALERTS as readonly (string | null)[]).includes(status?.value ?? null) ? status!.value : null,
    history,
  };
}
