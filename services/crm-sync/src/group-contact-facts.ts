import type { WhatsAppEvent } from '@wabus/events';
import { REPLAY_HEADER, type ConsumedRecord } from '@wabus/kafka';
import type { Located } from '@wabus/projection';
import { readContactFacts, type LedgerEntry } from './contact-facts.ts';
import type { ContactState } from './contact-state.ts';
import { conversationKey, type ConversationCounts } from './message-ledger.ts';

// Records re-driven on purpose carry REPLAY_HEADER (packages/kafka): they fold state but call the CRM only when allowed.

/** One fact of a batch, before its person is known: `state.id` is still the id the event named. */
export interface BatchFact {
  offset: string;
  /** The record may call the CRM (not a replay, or replays allowed). */
  live: boolean;
  state: ContactState;
  /** The message ids the record names for this contact's conversation (to record and count: message-ledger.ts). */
  messages: LedgerEntry[];
}

/** Pure: the facts of a batch's records, each with its tenant and the message ids it brings. */
export function readBatchFacts(
  records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event' | 'headers'>[],
  opts: { allowReplay: boolean; tenantOf: (event: WhatsAppEvent) => string },
): BatchFact[] {
  const facts: BatchFact[] = [];
  for (const r of records) {
    const read = readContactFacts(r.event, opts.tenantOf(r.event));
    const live = opts.allowReplay || r.headers[REPLAY_HEADER] === undefined;
    for (const state of read.facts) facts.push({ offset: r.offset, live, state, messages: read.ledger.filter((e) => e.contactId === state.id) });
  }
  return facts;
}

/** A fact filed under its contact: `state.id` is the contact's CRM id. */
export interface FiledFact {
  offset: string;
  state: ContactState;
  messages: readonly LedgerEntry[];
}

export interface GroupedContactFacts {
  /** The batch's facts under their contacts, in offset order. */
  filed: FiledFact[];
  /** Conversations (contact, business number) the batch touched: their counts are refreshed. */
  conversations: Set<string>;
  /** Contacts to bring up to date in the CRM: touched by a record that may call it. */
  toSync: Set<string>;
  /** The contacts each record that may call the CRM touched, by offset (to dead-letter a refused contact's records). */
  contactsByOffset: Map<string, string[]>;
}

/** Pure: a batch's facts filed under their contacts (`contactOf`: the CRM id of a fact's person). */
export function groupContactFacts(facts: readonly BatchFact[], contactOf: (f: BatchFact) => string): GroupedContactFacts {
  const out: GroupedContactFacts = { filed: [], conversations: new Set(), toSync: new Set(), contactsByOffset: new Map() };
  for (const f of facts) {
    const id = contactOf(f);
    const state = { ...f.state, id };
    out.filed.push({ offset: f.offset, state, messages: f.messages });
    for (const c of state.conversations) out.conversations.add(conversationKey(id, c.phoneNumberId));
    if (!f.live) continue;
    out.toSync.add(id);
    const touched = out.contactsByOffset.get(f.offset);
    if (touched === undefined) out.contactsByOffset.set(f.offset, [id]);
    else if (!touched.includes(id)) touched.push(id);
  }
  return out;
}

/** What the contacts projection applies: a record's facts, or (null offset) a merged contact's state. */
export interface ContactItem {
  offset: string | null;
  facts: Located<ContactState>[];
}

const countKey = (contact: string, phoneNumberId: string, direction: 'in' | 'out') => `${conversationKey(contact, phoneNumberId)}\u0000${direction}`;

/**
 * Pure: the contacts projection's input. Each record's facts carry the message counts of their conversation as the
 * ledger held them once it had the batch's message ids up to that record: the count after the batch (`counts`)
 * less the batch's ids first named by a later record. So a count rises on the record that brought the new id, and
 * a record is a duplicate exactly when it changed nothing, whatever else the batch holds (a count is joined with
 * `max`: one a later record raises is never lowered). After a crash between recording the ids and folding, the ids
 * are in the ledger but not in the document, and the records that bring them raise it again: they were not applied.
 * The states of merged contacts (`absorbed`, per survivor, filed under its id) come last, with the full counts: a
 * record the merge re-files under its person counts as applied when the survivor did not hold it yet.
 */
export function contactItems(
  filed: readonly FiledFact[],
  absorbed: ReadonlyMap<string, readonly ContactState[]>,
  counts: ReadonlyMap<string, ConversationCounts>,
): ContactItem[] {
  // Message ids per (contact, business number, direction): all of the batch's, and those named so far.
  const total = new Map<string, Set<string>>();
  const seen = new Map<string, Set<string>>();
  const add = (sets: Map<string, Set<string>>, f: FiledFact) => {
    for (const m of f.messages) {
      const key = countKey(f.state.id, m.phoneNumberId, m.direction);
      const set = sets.get(key);
      if (set === undefined) sets.set(key, new Set([m.messageId]));
      else set.add(m.messageId);
    }
  };
  for (const f of filed) add(total, f);
  const notYet = (key: string) => (total.get(key)?.size ?? 0) - (seen.get(key)?.size ?? 0);
  const items: ContactItem[] = [];
  for (const f of filed) {
    add(seen, f);
    const id = f.state.id;
    const state = withCounts(f.state, counts, (pn, d) => notYet(countKey(id, pn, d)));
    const last = items.at(-1);
    if (last?.offset === f.offset) last.facts.push({ id, fact: state });
    else items.push({ offset: f.offset, facts: [{ id, fact: state }] });
  }
  for (const [survivor, states] of absorbed)
    for (const s of states) items.push({ offset: null, facts: [{ id: survivor, fact: withCounts(s, counts, () => 0) }] });
  return items;
}

/** A fact with the ledger's counts of its conversations, less `pending` ids (never below what it carried). */
function withCounts(
  state: ContactState,
  counts: ReadonlyMap<string, ConversationCounts>,
  pending: (phoneNumberId: string, direction: 'in' | 'out') => number,
): ContactState {
  if (state.conversations.length === 0) return state;
  return {
    ...state,
    conversations: state.conversations.map((c) => {
      const n = counts.get(conversationKey(state.id, c.phoneNumberId));
      return {
        ...c,
        inboundMessages: Math.max(c.inboundMessages, (n?.inbound ?? 0) - pending(c.phoneNumberId, 'in')),
        outboundMessages: Math.max(c.outboundMessages, (n?.outbound ?? 0) - pending(c.phoneNumberId, 'out')),
      };
    }),
  };
}
