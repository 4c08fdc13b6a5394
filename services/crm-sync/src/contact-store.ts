import type { Collection, Db } from 'mongodb';
import { ensureFoldIndex } from '@wabus/projection';
import type { ContactDocument } from './contact-state.ts';
import { LEASES_COLLECTION, type LeaseDocument } from './contact-leases.ts';
import { ensureLedgerIndexes, LEDGER_COLLECTION, type LedgerDocument } from './message-ledger.ts';

export const CONTACTS_COLLECTION = 'contacts';

export interface CrmSyncCollections {
  contacts: Collection<ContactDocument>;
  ledger: Collection<LedgerDocument>;
  leases: Collection<LeaseDocument>;
}

/** The service's collections, with their indexes created (idempotent; at start-up, before traffic). */
export async function openCrmSyncStore(db: Db): Promise<CrmSyncCollections> {
  const contacts = db.collection<ContactDocument>(CONTACTS_COLLECTION);
  const ledger = db.collection<LedgerDocument>(LEDGER_COLLECTION);
  const leases = db.collection<LeaseDocument>(LEASES_COLLECTION);
  await ensureFoldIndex(contacts);
  await contacts.createIndex({ unsynced: 1, _id: 1 }, { name: 'unsynced' });
  // Merges (contacts sharing an alias) and reads by any alias; merged contacts awaiting removal from the CRM.
  await contacts.createIndex({ 'state.aliases': 1 }, { name: 'aliases' });
  await contacts.createIndex({ mergedInto: 1 }, { name: 'merged_into', sparse: true });
  await ensureLedgerIndexes(ledger);
  return { contacts, ledger, leases };
}

/**
 * Records that the CRM acknowledged `hash` for each contact, if that is still its desired state. This write leaves
 * the fold's `_h` token alone on purpose: a fold racing it can only put back the older `synced` when it also
 * changed the state, and then this acknowledgement was obsolete anyway (the contact needs a new upsert).
 */
export async function markSynced(contacts: Collection<ContactDocument>, acks: readonly { id: string; hash: string }[], at: Date): Promise<void> {
  if (acks.length === 0) return;
  await contacts.bulkWrite(
    acks.map(({ id, hash }) => ({
      updateOne: { filter: { _id: id, stateHash: hash }, update: { $set: { synced: { hash, at }, unsynced: false, rejected: null } } },
    })),
    { ordered: false },
  );
}

/** Records the CRM's permanent refusal of a state (shown by the read API until a later state is accepted). */
export async function markRejected(
  contacts: Collection<ContactDocument>,
  refusals: readonly { id: string; hash: string; status: number; response: string }[],
  at: Date,
): Promise<void> {
  if (refusals.length === 0) return;
  await contacts.bulkWrite(
    refusals.map(({ id, hash, status, response }) => ({
      updateOne: { filter: { _id: id, stateHash: hash }, update: { $set: { rejected: { hash, status, response, at } } } },
    })),
    { ordered: false },
  );
}
