import type { WhatsAppEvent } from '@wabus/events';
import type { ConsumedRecord } from '@wabus/kafka';
import { readContactFacts, type LedgerEntry } from './contact-facts.ts';
import type { ContactState } from './contact-state.ts';
import { conversationKey, type ConversationCounts } from './message-ledger.ts';

/** Header of records re-driven on purpose (a replay): they fold state but call the CRM only when allowed. */
export const REPLAY_HEADER = 'wabus-replay';

export interface GroupedContactFacts {
  /** Facts per contact, in offset order. */
  byId: Map<string, ContactState[]>;
  ledger: LedgerEntry[];
  /** Conversations (contact, business number) the batch touched: their counts are refreshed. */
  conversations: Set<string>;
  /** Contacts to bring up to date in the CRM: touched by a record that may call it. */
  toSync: Set<string>;
  /** The contacts each record that may call the CRM touched, by offset (to dead-letter a refused contact's records). */
  contactsByOffset: Map<string, string[]>;
}

/** Pure: sorts a batch into facts per contact and what the sync step needs. */
export function groupContactFacts(records: readonly Pick<ConsumedRecord<WhatsAppEvent>, 'offset' | 'event' | 'headers'>[], opts: { allowReplay: boolean }): GroupedContactFacts {
  const out: GroupedContactFacts = { byId: new Map(), ledger: [], conversations: new Set(), toSync: new Set(), contactsByOffset: new Map() };
  for (const r of records) {
    const { facts, ledger } = readContactFacts(r.event);
    if (facts.length === 0) continue;
    const live = opts.allowReplay || r.headers[REPLAY_HEADER] === undefined;
    for (const f of facts) {
      const list = out.byId.get(f.id);
      if (list) list.push(f);
      else out.byId.set(f.id, [f]);
      for (const c of f.conversations) out.conversations.add(conversationKey(f.id, c.phoneNumberId));
      if (live) out.toSync.add(f.id);
    }
    out.ledger.push(...ledger);
    if (live) out.contactsByOffset.set(r.offset, [...new Set(facts.map((f) => f.id))]);
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
