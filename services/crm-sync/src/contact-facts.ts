import { bsuidAlias, parseItem, parseJsonValue, personAliases, phoneAlias, type JsonValue, type ParsedMessage, type WhatsAppEvent } from '@wabus/events';
import { emptyContact, type ContactState, type ConversationActivity } from './contact-state.ts';
import { summarizeContent } from './message-preview.ts';

/** One message id of a conversation, for exact counts (see message-ledger.ts). */
export interface LedgerEntry {
  messageId: string;
  /** The customer id the event names (a phone or a BSUID): counts are summed over every id of the person. */
  contactId: string;
  phoneNumberId: string;
  direction: 'in' | 'out';
}

/** What one event says about contacts: one fact per contact (a state of its own, joined into theirs). */
export interface EventFacts {
  facts: ContactState[];
  ledger: LedgerEntry[];
}

const NONE: EventFacts = { facts: [], ledger: [] };

const text = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const seconds = (v: JsonValue | undefined): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : null;
};
const objectOf = (v: JsonValue | undefined): { [k: string]: JsonValue } | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null);

/** The `contacts[]` entry that came with the event: profile name and ids. */
function contactEntry(event: WhatsAppEvent): { name: string | null; waId: string | null; userId: string | null } {
  if (event.contact === null) return { name: null, waId: null, userId: null };
  try {
    const c = objectOf(parseJsonValue(event.contact));
    return { name: text(objectOf(c?.['profile'])?.['name']), waId: text(c?.['wa_id']), userId: text(c?.['user_id']) };
  } catch {
    return { name: null, waId: null, userId: null };
  }
}

const conversation = (phoneNumberId: string, patch: Partial<ConversationActivity>): ConversationActivity => ({
  phoneNumberId,
  lastInboundAt: patch.lastInboundAt ?? null,
  lastOutboundAt: patch.lastOutboundAt ?? null,
  inboundMessages: 0,
  outboundMessages: 0,
});

/** The ids a fact knows its person by: `phone:…`, `bsuid:…`, `parent:…` (docs/identity.md). */
const ownAliases = (ids: { waId: string | null; userId: string | null }): string[] => [
  ...(ids.waId === null ? [] : [phoneAlias(ids.waId)]),
  ...(ids.userId === null ? [] : [bsuidAlias(ids.userId)]),
];

/**
 * A fact about the user an event is about: ids as the event carries them (phone, BSUID), every alias it names for
 * them (number and id changes included), the profile name when the event's contact entry is theirs.
 */
function eventFact(event: WhatsAppEvent, tenantId: string, id: string, at: number | null): ContactState {
  const entry = contactEntry(event);
  return {
    ...emptyContact(id, tenantId),
    aliases: [...new Set([...personAliases(event), ...ownAliases({ waId: event.customerPhone, userId: event.customerUserId })])].sort(),
    waId: event.customerPhone,
    userId: event.customerUserId,
    profileName: entry.name,
    profileNameAt: entry.name === null ? null : at,
    firstSeenAt: at,
    lastSeenAt: at,
  };
}

function messageFacts(event: WhatsAppEvent, tenantId: string, id: string, m: ParsedMessage, direction: 'in' | 'out'): EventFacts {
  const at = m.timestamp ?? event.metaTimestamp;
  const fact = eventFact(event, tenantId, id, at);
  const pn = event.phoneNumberId;
  if (direction === 'in' && m.id !== null && at !== null) fact.lastInboundMessage = { id: m.id, ...summarizeContent(m), at };
  if (pn !== null) fact.conversations = [conversation(pn, direction === 'in' ? { lastInboundAt: at } : { lastOutboundAt: at })];
  const ledger = pn !== null && m.id !== null ? [{ messageId: m.id, contactId: id, phoneNumberId: pn, direction }] : [];
  return { facts: [fact], ledger };
}

/** `user_preferences[]`: each entry is about its own user (wa_id, else user_id); only marketing_messages counts. */
function preferenceFacts(event: WhatsAppEvent, tenantId: string, value: JsonValue): EventFacts {
  const list = objectOf(value)?.['user_preferences'];
  if (!Array.isArray(list)) return NONE;
  const facts: ContactState[] = [];
  for (const item of list) {
    const p = objectOf(item);
    const waId = text(p?.['wa_id']);
    const userId = text(p?.['user_id']);
    const id = waId ?? userId;
    if (id === null) continue;
    const at = seconds(p?.['timestamp']) ?? event.metaTimestamp;
    const fact: ContactState = { ...emptyContact(id, tenantId), aliases: ownAliases({ waId, userId }).sort(), waId, userId, firstSeenAt: at, lastSeenAt: at };
    const choice = text(p?.['value']);
    if (text(p?.['category']) === 'marketing_messages' && (choice === 'stop' || choice === 'resume')) {
      fact.marketingOptOut = choice === 'stop';
      fact.marketingOptOutAt = at;
    }
    facts.push(fact);
  }
  return { facts, ledger: [] };
}

/**
 * Pure: the contact facts of one event. Inbound messages, echoes, statuses of one-to-one sends and
 * `user_preferences` are about a contact; group sends, calls, errors and account-level changes are not.
 */
export function readContactFacts(event: WhatsAppEvent, tenantId: string): EventFacts {
  const id = event.customerId;
  switch (event.kind) {
    case 'message':
    case 'message_echo': {
      const item = parseItem(event);
      if (id === null || (item.kind !== 'message' && item.kind !== 'message_echo')) return NONE;
      return messageFacts(event, tenantId, id, item.message, item.kind === 'message' ? 'in' : 'out');
    }
    case 'status': {
      const item = parseItem(event);
      if (id === null || item.kind !== 'status') return NONE;
      const s = item.status;
      if (s.recipientType === 'group' || s.type === 'call') return NONE;
      const at = s.timestamp ?? event.metaTimestamp;
      const fact = eventFact(event, tenantId, id, at);
      const pn = event.phoneNumberId;
      if (pn === null) return { facts: [fact], ledger: [] };
      fact.conversations = [conversation(pn, { lastOutboundAt: s.statusRaw === 'sent' ? at : null })];
      return { facts: [fact], ledger: s.id === null ? [] : [{ messageId: s.id, contactId: id, phoneNumberId: pn, direction: 'out' }] };
    }
    case 'change': {
      const item = parseItem(event);
      return item.kind === 'change' && item.field === 'user_preferences' ? preferenceFacts(event, tenantId, item.value) : NONE;
    }
    case 'error':
      return NONE;
    default: {
      const never: never = event.kind;
      return NONE ?? never;
    }
  }
}
