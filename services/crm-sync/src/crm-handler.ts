import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { foldDocuments } from '@wabus/dedup';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import type { BatchOutcome, ConsumedRecord, ConsumerHandler } from '@wabus/kafka';
import type { CrmAdapter } from './crm-adapter.ts';
import { openCrmSyncStore } from './contact-store.ts';
import { crmRejected } from './errors.ts';
import { evolveContact } from './evolve-contact.ts';
import { groupContactFacts, withCounts } from './group-contact-facts.ts';
import { countConversations, recordMessages } from './message-ledger.ts';
import { syncContacts, type Refusal, type SyncSettings } from './sync-contacts.ts';

export interface CrmHandlerOptions extends SyncSettings {
  adapter: CrmAdapter;
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
 * crm-sync's whole Kafka-facing code. Each batch: record message ids (exact counts) → fold the facts into each
 * contact's desired state (one read, one conditional bulk write) → for the contacts the batch touched, one upsert
 * each with their latest state, under their sync lease → record what the CRM acknowledged. Contacts the CRM refuses
 * for good have this batch's records about them dead-lettered; a CRM or store outage throws, and the runtime
 * pauses the partition and retries the batch (every step above is idempotent).
 */
export function createCrmHandler(o: CrmHandlerOptions): (db: Db) => Promise<ConsumerHandler<WhatsAppEvent>> {
  const now = o.now ?? Date.now;
  const newOwner = o.newOwner ?? randomUUID;
  return async (db) => {
    const store = await openCrmSyncStore(db);
    const sync = { store, adapter: o.adapter, now, newOwner, leaseMs: o.leaseMs, leaseWaitMs: o.leaseWaitMs, retryBudgetMs: o.retryBudgetMs };
    return {
      decode: (value) => decodeEvent(value),
      async handleBatch(records, ctx) {
        // CRM retries, Retry-After and lease waits can hold a batch past the group's session timeout: stay a member.
        const alive = setInterval(() => void ctx.heartbeat(), 3_000);
        try {
          return await applyBatch(records);
        } finally {
          clearInterval(alive);
        }
      },
    };

    async function applyBatch(records: ConsumedRecord<WhatsAppEvent>[]): Promise<BatchOutcome> {
      const g = groupContactFacts(records, { allowReplay: o.allowReplay });
      if (g.byId.size === 0) return { duplicates: 0 };
      await recordMessages(store.ledger, g.ledger);
      const counts = await countConversations(store.ledger, g.conversations);
      const folded = await foldDocuments(store.contacts, withCounts(g.byId, counts), evolveContact);
      const synced = g.toSync.size === 0 ? null : await syncContacts(sync, [...g.toSync]);
      const rejected: { offset: string; error: Error }[] = [];
      if (synced !== null && synced.rejected.size > 0) {
        for (const [offset, ids] of g.contactsByOffset) {
          const refused = ids.find((id) => synced.rejected.has(id));
          if (refused !== undefined) rejected.push({ offset, error: crmRejected(refusalMessage(refused, synced.rejected.get(refused)!)) });
        }
      }
      // A count, not `duplicateOffsets` (so a batch of several kinds counts its duplicates under `mixed`): which
      // records changed nothing cannot be told exactly here. `withCounts` writes the conversation's ledger counts into
      // every fact of it, so the count raise that a batch's new message ids bring lands on whichever fact of the
      // conversation folds first, not on the record that brought them; a later new message whose other content an
      // earlier fact already dominates (order-independent join) then looks unchanged. After a crash between
      // `recordMessages` and the fold, the raise is owed to ids the ledger already held, and the document keeps
      // counts, not ids, to say which record owes it. Facts are not records either (one record can be about
      // several contacts, one without facts is about none), hence the clamp: this count is an estimate.
      return { rejected, duplicates: Math.min(folded.unchanged, records.length - rejected.length) };
    }
  };
}
