import type { WhatsAppEvent } from '@wabus/events';
import { REPLAY_HEADER, type ConsumedRecord } from '@wabus/kafka';
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
}

/** Pure: the facts of a batch's records, each with its tenant, and the message ids to count. */
export function readBatchFacts(
  records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event' | 'headers'>[],
  opts: { allowReplay: boolean; tenantOf: (event: WhatsAppEvent) => string },
): { facts: BatchFact[]; ledger: LedgerEntry[] } {
  const facts: BatchFact[] = [];
  const ledger: LedgerEntry[] = [];
  for (const r of records) {
    const read = readContactFacts(r.event, opts.tenantOf(r.event));
    const live = opts.allowReplay || r.headers[REPLAY_HEADER] === undefined;
    for (const state of read.facts) facts.push({ offset: r.offset, live, state });
    ledger.push(...read.ledger);
  }
  return { facts, ledger };
}

export interface GroupedContactFacts {
  /** Facts per contact (its CRM id), in offset order. */
  byId: Map<string, ContactState[]>;
  /** Conversations (contact, business number) the batch touched: their counts are refreshed. */
  conversations: Set<string>;
  /** Contacts to bring up to date in the CRM: touched by a record that may call it. */
  toSync: Set<string>;
  /** The contacts each record that may call the CRM touched, by offset (to dead-letter a refused contact's records). */
  contactsByOffset: Map<string, string[]>;
}

/** Pure: a batch's facts filed under their contacts (`contactOf`: the CRM id of a fact's person). */
export function groupContactFacts(facts: readonly BatchFact[], contactOf: (f: BatchFact) => string): GroupedContactFacts {
  const out: GroupedContactFacts = { byId: new Map(), conversations: new Set(), toSync: new Set(), contactsByOffset: new Map() };
  for (const f of facts) {
    const id = contactOf(f);
    const state = { ...f.state, id };
    const list = out.byId.get(id);
    if (list) list.push(state);
    else out.byId.set(id, [state]);
    for (const c of state.conversations) out.conversations.add(conversationKey(id, c.phoneNumberId));
    if (!f.live) continue;
    out.toSync.add(id);
    const touched = out.contactsByOffset.get(f.offset);
    if (touched === undefined) out.contactsByOffset.set(f.offset, [id]);
    else if (!touched.includes(id)) touched.push(id);
  }
  return out;
}

/** The exact message counts (from the ledger) written into the facts of each touched conversation. */
export function withCounts(byId: Map<string, ContactState[]>, counts: ReadonlyMap<string, ConversationCounts>): Map<string, ContactState[]> {
  const out = new Map<string, ContactState[]>();
  for (const [id, facts] of byId) {
    out.set(
      id,
      facts.map((f) =>
        f.conversations.length === 0
          ? f
          : {
              ...f,
              conversations: f.conversations.map((c) => {
                const n = counts.get(conversationKey(id, c.phoneNumberId));
                return { ...c, inboundMessages: Math.max(c.inboundMessages, n?.inbound ?? 0), outboundMessages: Math.max(c.outboundMessages, n?.outbound ?? 0) };
              }),
            },
      ),
    );
  }
  return out;
}
