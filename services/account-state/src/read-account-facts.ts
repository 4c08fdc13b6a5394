import { parseItem, type WhatsAppEvent } from '@wabus/events';
import type { AccountFact } from './account-fact.ts';
import { NUMBER_FIELDS, readNumberFact, readNumberIdentity } from './read-number-fact.ts';
import { readTemplateFact, TEMPLATE_FIELDS } from './read-template-fact.ts';
import { readWabaFact, WABA_FIELDS } from './read-waba-fact.ts';
import { asObject } from './value-read.ts';

/** The change fields account-state folds (docs/consumers/account-state.md); other fields are another consumer's. */
export const ACCOUNT_FIELDS: readonly string[] = [...WABA_FIELDS, ...TEMPLATE_FIELDS, ...NUMBER_FIELDS];

export type ReadAccountFacts =
  /** An account-level change: its fact, and the number identity any event with metadata carries. */
  | { kind: 'change'; facts: AccountFact[] }
  /** Another event: at most the identity of its business number (never counted as a duplicate). */
  | { kind: 'other'; facts: AccountFact[] }
  | { kind: 'invalid'; reason: string };

/**
 * Pure: what one event means for account state. Total: any event gives facts or a reason it can never be applied
 * (an account change that is not an object, a template change without a template, a number change without a number).
 */
export function readAccountFacts(event: WhatsAppEvent): ReadAccountFacts {
  const identity = readNumberIdentity(event);
  const others: AccountFact[] = identity === null ? [] : [identity];
  if (event.kind !== 'change' || !ACCOUNT_FIELDS.includes(event.field)) return { kind: 'other', facts: others };
  const item = parseItem(event);
  const value = item.kind === 'change' ? asObject(item.value) : null;
  if (value === null) return { kind: 'invalid', reason: `${event.field} event ${event.eventId}: the change's value is not a JSON object` };
  if ((TEMPLATE_FIELDS as readonly string[]).includes(event.field)) {
    const r = readTemplateFact(event, value);
    return r.ok ? { kind: 'change', facts: [r.fact, ...others] } : { kind: 'invalid', reason: r.reason };
  }
  if ((NUMBER_FIELDS as readonly string[]).includes(event.field)) {
    const r = readNumberFact(event, value);
    return r.ok ? { kind: 'change', facts: [r.fact, ...others] } : { kind: 'invalid', reason: r.reason };
  }
  return { kind: 'change', facts: [readWabaFact(event, value), ...others] };
}
