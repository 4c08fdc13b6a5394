import { emptyContact, stateHashOf, type ContactDocument, type ContactState } from './contact-state.ts';
import { joinContacts } from './join-contact.ts';

/** The desired state of a contact from a set of facts, in any order (used by tests and tools as the oracle). */
export const foldContact = (facts: readonly ContactState[], from: ContactState | null = null): ContactState | null =>
  facts.reduce<ContactState | null>((s, f) => joinContacts(s ?? emptyContact(f.id), f), from);

/**
 * crm-sync's state transition for `foldDocuments`, pure: the document after one more fact. The desired state is a
 * join, so redeliveries, replays and any order give the same document; what the CRM acknowledged (`synced`) and
 * refused (`rejected`) is carried over untouched: only the sync step writes those.
 */
export function evolveContact(current: ContactDocument | null, fact: ContactState): ContactDocument {
  const state = joinContacts(current?.state ?? emptyContact(fact.id), fact);
  const stateHash = stateHashOf(state);
  const synced = current?.synced ? { hash: current.synced.hash, at: current.synced.at } : null;
  const r = current?.rejected;
  return {
    _id: fact.id,
    state,
    stateHash,
    synced,
    unsynced: synced?.hash !== stateHash,
    rejected: r ? { hash: r.hash, status: r.status, response: r.response, at: r.at } : null,
  };
}
