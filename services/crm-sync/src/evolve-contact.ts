import { emptyContact, stateHashOf, type ContactDocument, type ContactState } from './contact-state.ts';
import { joinContacts } from './join-contact.ts';

/** The desired state of a contact from a set of facts, in any order (used by tests and tools as the oracle). */
export const foldContact = (facts: readonly ContactState[], from: ContactState | null = null): ContactState | null =>
  facts.reduce<ContactState | null>((s, f) => joinContacts(s ?? emptyContact(f.id, f.tenantId), f), from);

/**
 * crm-sync's state transition for the contacts projection, pure: the document after one more fact. The desired
 * state is a join, so redeliveries, replays and any order give the same document; what the CRM acknowledged
 * (`synced`) and refused (`rejected`) is carried over untouched: only the sync step writes those.
 */
export function evolveContact(current: ContactDocument | null, fact: ContactState): ContactDocument {
  const state = joinContacts(current?.state ?? emptyContact(fact.id, fact.tenantId), fact);
  const stateHash = stateHashOf(state);
  const synced = current?.synced ? { hash: current.synced.hash, at: current.synced.at } : null;
  const r = current?.rejected;
  const doc: ContactDocument = {
    _id: fact.id,
    state,
    stateHash,
    synced,
    unsynced: synced?.hash !== stateHash,
    rejected: r ? { hash: r.hash, status: r.status, response: r.response, at: r.at } : null,
  };
  // A merged contact stays merged: a writer that folded into it late is caught up with by the next merge of its
  // person (which joins this state again); it is never synced itself.
  if (current?.mergedInto !== undefined)
    Object.assign(doc, { unsynced: false, mergedInto: current.mergedInto, removedFromCrm: current.removedFromCrm ?? false });
  return doc;
}
