import type { CrmAdapter } from './crm-adapter.ts';
import { acquireLeases, releaseLeases } from './contact-leases.ts';
import { markRejected, markSynced, type CrmSyncCollections } from './contact-store.ts';
import { CrmSyncError } from './errors.ts';
import { DEFAULT_TENANT } from '@wabus/tenants';
import type { ContactDocument } from './contact-state.ts';
import { awaitingRemoval, markRemoved } from './merge-contacts.ts';

export interface SyncSettings {
  /** How long a contact's sync lease lasts: longer than any upsert call (retry budget + one request timeout). */
  leaseMs: number;
  /** How long a batch waits for contacts another writer is syncing before it throws (and the runtime retries). */
  leaseWaitMs: number;
  /** Time given to one upsert call, retries included. */
  retryBudgetMs: number;
}

export interface SyncDeps extends SyncSettings {
  store: CrmSyncCollections;
  /** The CRM of a tenant: its own target from the tenants file, else crm-sync's. */
  adapterOf: (tenantId: string) => CrmAdapter;
  now: () => number;
  /** A fresh lease owner token per attempt. */
  newOwner: () => string;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface Refusal {
  status: number;
  request: string;
  response: string;
}

export interface SyncOutcome {
  /** Contacts whose desired state the CRM acknowledged in this call. */
  applied: number;
  /** Contacts the CRM refused for good, with what was sent and answered. */
  rejected: Map<string, Refusal>;
}

/**
 * Brings the CRM up to date for these contacts: under each contact's lease, read its desired state (the newest,
 * whoever folded it), upsert the ones the CRM does not hold (one upsert per contact, however many events led to
 * it), and record what was acknowledged. Throws (the runtime retries the batch) when the CRM is unavailable or a
 * contact stays busy; a lease is kept to expiry when a request's outcome is in doubt.
 */
export async function syncContacts(deps: SyncDeps, ids: readonly string[]): Promise<SyncOutcome> {
  const { contacts, leases } = deps.store;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = deps.random ?? Math.random;
  const outcome: SyncOutcome = { applied: 0, rejected: new Map() };
  const started = deps.now();
  let pending = [...new Set(ids)];
  while (pending.length > 0) {
    // Only contacts the CRM does not hold yet (a redelivery finds them synced and costs no lease, no call).
    const stale = await contacts.find({ _id: { $in: pending }, unsynced: true }, { projection: { _id: 1 } }).toArray();
    pending = stale.map((d) => d._id);
    if (pending.length === 0) break;
    const owner = deps.newOwner();
    const taken = await acquireLeases(leases, pending, owner, deps.now(), deps.leaseMs);
    if (taken.length > 0) {
      let keep = false;
      // Contacts with a request the CRM may still be processing: their leases run out instead of being released.
      const doubtful = new Set<string>();
      try {
        const docs = await contacts.find({ _id: { $in: taken }, unsynced: true }).toArray();
        if (docs.length > 0) {
          const hashes = new Map(docs.map((d) => [d._id, d.stateHash]));
          const deadline = deps.now() + deps.retryBudgetMs;
          const byTenant = new Map<string, ContactDocument[]>();
          for (const d of docs) byTenant.set(d.state.tenantId ?? DEFAULT_TENANT, [...(byTenant.get(d.state.tenantId ?? DEFAULT_TENANT) ?? []), d]);
          const results = (
            await Promise.all(
              [...byTenant].map(([tenant, list]) =>
                deps.adapterOf(tenant).upsert(
                  list.map((d) => d.state),
                  { deadline },
                ),
              ),
            )
          ).flat();
          for (const r of results) if (r.inDoubt) doubtful.add(r.id);
          const at = new Date(deps.now());
          const acks = results.filter((r) => r.outcome === 'applied').map((r) => ({ id: r.id, hash: hashes.get(r.id)! }));
          const refusals = results.flatMap((r) => (r.outcome === 'rejected' ? [{ ...r, hash: hashes.get(r.id)! }] : []));
          await markSynced(contacts, acks, at);
          await markRejected(contacts, refusals, at);
          outcome.applied += acks.length;
          for (const r of refusals) outcome.rejected.set(r.id, { status: r.status, request: r.request, response: r.response });
        }
      } catch (err) {
        keep = err instanceof CrmSyncError && err.inDoubt;
        throw err;
      } finally {
        if (!keep)
          await releaseLeases(
            leases,
            taken.filter((id) => !doubtful.has(id)),
            owner,
          );
      }
    }
    const took = new Set(taken);
    pending = pending.filter((id) => !took.has(id));
    if (pending.length === 0) break;
    if (deps.now() - started > deps.leaseWaitMs) {
      throw new CrmSyncError('WABUS_CRM_CONTACT_BUSY', {
        message: `${pending.length} contact(s) still being synced by another writer, e.g. ${pending.slice(0, 3).join(', ')}`,
      });
    }
    await sleep(20 + random() * 80);
  }
  return outcome;
}

/**
 * Deletes from the CRM the contacts merged into these survivors, once each survivor's state is acknowledged (the
 * person is never missing from the CRM), each under its own lease (a writer still upserting the old contact finishes
 * first). Contacts busy or refused stay `removedFromCrm: false` and are tried again by the next batch of the person.
 * Returns the refusals, for the log.
 */
export async function removeMergedContacts(deps: SyncDeps, survivors: readonly string[]): Promise<{ id: string; status: number; response: string }[]> {
  const { contacts, leases } = deps.store;
  // Merged contacts first (a sparse index; nearly always none), the survivors' sync state only when there are some.
  const waiting = await awaitingRemoval(contacts, survivors);
  if (waiting.length === 0) return [];
  const synced = new Set(
    (await contacts.find({ _id: { $in: [...new Set(waiting.map((d) => d.mergedInto!))] }, unsynced: false }, { projection: { _id: 1 } }).toArray()).map(
      (d) => d._id,
    ),
  );
  const merged = waiting.filter((d) => synced.has(d.mergedInto!));
  if (merged.length === 0) return [];
  const owner = deps.newOwner();
  const taken = new Set(
    await acquireLeases(
      leases,
      merged.map((d) => d._id),
      owner,
      deps.now(),
      deps.leaseMs,
    ),
  );
  const refused: { id: string; status: number; response: string }[] = [];
  try {
    const byTenant = new Map<string, string[]>();
    for (const d of merged)
      if (taken.has(d._id)) byTenant.set(d.state.tenantId ?? DEFAULT_TENANT, [...(byTenant.get(d.state.tenantId ?? DEFAULT_TENANT) ?? []), d._id]);
    const deadline = deps.now() + deps.retryBudgetMs;
    for (const [tenant, ids] of byTenant) {
      const results = await deps.adapterOf(tenant).remove(ids, { deadline });
      await markRemoved(
        contacts,
        results.filter((r) => r.outcome === 'removed').map((r) => r.id),
      );
      for (const r of results) if (r.outcome === 'rejected') refused.push({ id: r.id, status: r.status, response: r.response });
    }
  } finally {
    await releaseLeases(leases, [...taken], owner);
  }
  return refused;
}
