import { isOpen } from './business-hours.ts';
import type { ConversationState } from './conversation-state.ts';
import type { Inbound } from './inbound-message.ts';
import { matchesKeyword, words } from './keyword-match.ts';
import type { Rule, RuleBook } from './rule-types.ts';

/** Pure: whether `rule` answers this inbound message, given what was seen of the conversation before it. */
export function matchesRule(rule: Rule, m: Inbound, state: ConversationState | null, book: RuleBook): boolean {
  if (rule.phoneNumberIds !== null && !rule.phoneNumberIds.includes(m.phoneNumberId)) return false;
  const t = rule.trigger;
  const c = m.content;
  switch (t.type) {
    case 'keywords': {
      if (c.kind !== 'text') return false;
      const w = words(c.text);
      return t.keywords.some((k) => matchesKeyword(w, k, t.match));
    }
    case 'regex':
      return c.kind === 'text' && t.regex.test(c.text);
    case 'buttonIds':
      return c.kind === 'button_reply' && t.ids.includes(c.id);
    case 'listIds':
      return c.kind === 'list_reply' && t.ids.includes(c.id);
    case 'payloads':
      return c.kind === 'button' && t.payloads.includes(c.payload);
    case 'greeting':
      // A new conversation: no inbound message seen from this customer on this number before this one.
      return state === null;
    case 'outsideBusinessHours': {
      // The customer's time of writing decides, not ours: a backlog processed in the morning is still "at night".
      const hours = book.businessHours.get(m.phoneNumberId) ?? book.businessHours.get('*');
      return hours !== undefined && !isOpen(hours, m.timestamp * 1000);
    }
    case 'default':
      return true;
    default: {
      const never: never = t;
      throw new Error(`unhandled trigger ${JSON.stringify(never)}`);
    }
  }
}
