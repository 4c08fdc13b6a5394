import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { ServiceHandler } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import type { BatchOutcome, ConsumedRecord } from '@wabus/kafka';
import { projection } from '@wabus/projection';
import type { CrmAdapter } from './crm-adapter.ts';
import { openCrmSyncStore } from './contact-store.ts';
import { crmRejected } from './errors.ts';
import { evolveContact } from './evolve-contact.ts';
import { contactItems, groupContactFacts, readBatchFacts, type ContactItem } from './group-contact-facts.ts';
import { conversationKey, countConversations, recordMessages } from './message-ledger.ts';
import { customerIdsOf, resolveContactPersons } from './contact-persons.ts';
import { findAbsorbed, markMerged } from './merge-contacts.ts';
import { removeMergedContacts, syncContacts, type Refusal, type SyncSettings } from './sync-contacts.ts';
import { createIdentityLinks, ensureIdentityIndexes, type LinkDoc } from '@wabus/identity';
import { tenantOfEvent, type Tenants } from '@wabus/tenants';

export interface CrmHandlerOptions extends SyncSettings {
  /** The CRM of a tenant (its own target, else crm-sync's); read per batch, so a reload applies to the next one. */
  adapterOf: (tenantId: string) => CrmAdapter;
  /** The tenants in force: the tenant of events written before tenants is their number's owner. */
  tenants: () => Tenants;
  log: { warn(obj: object, msg: string): void };
  /** Let records with the `wabus-replay` header call the CRM (default: they only fold state). */
  allowReplay: boolean;
  now?: () => number;
  newOwner?: () => string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The DLQ message of a refused contact's records: status and answer first (the DLQ header keeps 2,000 characters). */
const refusalMessage = (id: string, r: Refusal) =>
  `CRM refused contact ${id} with HTTP ${r.status}: ${clip(r.response, 500)} | request: ${clip(r.request, 1_300)}`;

/**
 * crm-sync's whole Kafka-facing code. Each batch: record message ids (exact counts) → the contacts projection folds
 * the facts into each contact's desired state (one read, one conditional bulk write; a record that changed no
 * contact is a duplicate, docs/projections.md) → for the contacts the batch touched, one upsert
 * each with their latest state, under their sync lease → record what the CRM acknowledged. Contacts the CRM refuses
 * for good have this batch's records about them dead-lettered; a CRM or store outage throws, and the runtime
 * pauses the partition and retries the batch (every step above is idempotent).
 */
export function createCrmHandler(o: CrmHandlerOptions): (db: Db) => Promise<ServiceHandler> {
  const now = o.now ?? Date.now;
  const newOwner = o.newOwner ?? randomUUID;
  return async (db) => {
    const store = await openCrmSyncStore(db);
    const links = db.collection<LinkDoc>('identity_links');
    await ensureIdentityIndexes(links);
    const identity = createIdentityLinks(links);
    const sync = { store, adapterOf: o.adapterOf, now, newOwner, leaseMs: o.leaseMs, leaseWaitMs: o.leaseWaitMs, retryBudgetMs: o.retryBudgetMs };
    const contacts = projection({ collection: store.contacts, factsOf: (item: ContactItem) => item.facts, evolve: evolveContact });
    return {
      // CRM retries, Retry-After and lease waits can outlast the session timeout: the runtime heartbeats meanwhile.
      handleBatch: (records) => applyBatch(records),
    };

    async function applyBatch(records: ConsumedRecord<WhatsAppEvent>[]): Promise<BatchOutcome> {
      const tenants = o.tenants();
      const facts = readBatchFacts(records, { allowReplay: o.allowReplay, tenantOf: (e) => tenantOfEvent(tenants, e) });
      if (facts.length === 0) return { duplicateOffsets: [] };
      // Persons first (identity links of each tenant), then contacts filed under an older id of a person joined in.
      const persons = await resolveContactPersons(identity, facts);
      for (const r of persons.refused)
        o.log.warn(
          { code: 'WABUS_IDENTITY_TOO_MANY_ALIASES', tenant: r.scope, aliases: r.aliases.length },
          'identity link refused: the person would have too many ids; the event is applied to the person of its first id',
        );
      const g = groupContactFacts(facts, persons.contactOf);
      const absorbed = await findAbsorbed(store.contacts, persons.byId);
      for (const [survivor, states] of absorbed.facts)
        for (const s of states) for (const c of s.conversations) g.conversations.add(conversationKey(survivor, c.phoneNumberId));
      await recordMessages(
        store.ledger,
        facts.flatMap((f) => f.messages),
      );
      const counts = await countConversations(store.ledger, g.conversations, (id) => customerIdsOf(persons.byId.get(id), id));
      const items = contactItems(g.filed, absorbed.facts, counts);
      const outcomes = await contacts.apply(items);
      await markMerged(store.contacts, absorbed.into);
      const synced = g.toSync.size === 0 ? null : await syncContacts(sync, [...g.toSync]);
      if (synced !== null) {
        for (const r of await removeMergedContacts(sync, [...g.toSync]))
          o.log.warn(
            { contact: r.id, status: r.status, response: r.response },
            'the CRM refused to delete a contact merged into another; kept for the next batch of its person',
          );
      }
      const rejected: { offset: string; error: Error }[] = [];
      if (synced !== null && synced.rejected.size > 0) {
        for (const [offset, ids] of g.contactsByOffset) {
          const refused = ids.find((id) => synced.rejected.has(id));
          if (refused !== undefined) rejected.push({ offset, error: crmRejected(refusalMessage(refused, synced.rejected.get(refused)!)) });
        }
      }
      // Records whose facts changed no contact (merged states are not records); the runtime leaves out rejected ones.
      const duplicateOffsets = items.flatMap((item, i) => (item.offset !== null && outcomes[i] === 'duplicate' ? [item.offset] : []));
      return { rejected, duplicateOffsets };
    }
  };
}
