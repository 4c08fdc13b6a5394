import { useErrorEnvelope } from '@wabus/errors';
import type { FastifyPluginAsync } from 'fastify';
import type { Db, Filter } from 'mongodb';
import type { ContactDocument } from './contact-state.ts';
import { CONTACTS_COLLECTION } from './contact-store.ts';
import { CrmSyncError } from './errors.ts';
import { bsuidAlias, phoneAlias } from '@wabus/events';
import { DEFAULT_TENANT } from '@wabus/tenants';

export type SyncStatus = 'synced' | 'pending' | 'rejected';

/** The stored document as the API shows it: desired state plus where the CRM stands. */
export function contactView(doc: ContactDocument) {
  const status: SyncStatus = !doc.unsynced ? 'synced' : doc.rejected?.hash === doc.stateHash ? 'rejected' : 'pending';
  return {
    id: doc._id,
    tenantId: doc.state.tenantId ?? DEFAULT_TENANT,
    state: doc.state,
    sync: {
      status,
      stateHash: doc.stateHash,
      syncedHash: doc.synced?.hash ?? null,
      syncedAt: doc.synced?.at.toISOString() ?? null,
      rejected: doc.rejected ? { status: doc.rejected.status, response: doc.rejected.response, at: doc.rejected.at.toISOString() } : null,
    },
  };
}

export interface ListQuery {
  tenant: string | null;
  unsynced: boolean;
  limit: number;
  after: string | null;
}

const one = (q: Record<string, unknown>, name: string): string | undefined => {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new CrmSyncError('WABUS_CRM_SYNC_BAD_PARAM', { message: `${name} must be given once`, param: name });
  return v;
};

/** `unsynced=true|false`, `limit=1..1000` (default 100), `after=<contact id>` (the last id of the previous page). */
export function parseListQuery(q: Record<string, unknown>): ListQuery {
  const unsynced = one(q, 'unsynced');
  if (unsynced !== undefined && unsynced !== 'true' && unsynced !== 'false')
    throw new CrmSyncError('WABUS_CRM_SYNC_BAD_PARAM', { message: 'unsynced must be true or false', param: 'unsynced' });
  const limit = one(q, 'limit');
  if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1_000)) {
    throw new CrmSyncError('WABUS_CRM_SYNC_BAD_PARAM', { message: 'limit must be an integer from 1 to 1000', param: 'limit' });
  }
  const after = one(q, 'after');
  const tenant = one(q, 'tenant');
  return {
    tenant: tenant === undefined || tenant === '' ? null : tenant,
    unsynced: unsynced === 'true',
    limit: limit === undefined ? 100 : Number(limit),
    after: after === undefined || after === '' ? null : after,
  };
}

/**
 * The read API (registered by the consumer service with its database):
 * - GET /v1/contacts/:id: desired state and sync status of the contact known by this id: its CRM id or any id of
 *   its person (phone number, BSUID, parent BSUID); a contact merged into another answers with the survivor
 *   (404 WABUS_CRM_SYNC_NOT_FOUND; 409 WABUS_CRM_SYNC_AMBIGUOUS when the id is a customer of several tenants and no
 *   `tenant=` says which);
 * - GET /v1/contacts?unsynced=true&limit=&after=&tenant=: contacts by id, only those the CRM does not hold when asked,
 *   only the tenant's when asked; merged contacts are not listed.
 */
export const contactRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const contacts = db.collection<ContactDocument>(CONTACTS_COLLECTION);

  useErrorEnvelope(app, 'WABUS_CRM_SYNC_INTERNAL');

  app.get('/v1/contacts', async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>);
    const filter: Filter<ContactDocument> = { mergedInto: { $exists: false } };
    if (q.unsynced) filter.unsynced = true;
    if (q.tenant !== null) filter['state.tenantId'] = q.tenant;
    if (q.after !== null) filter._id = { $gt: q.after };
    const docs = await contacts.find(filter).sort({ _id: 1 }).limit(q.limit).toArray();
    return { contacts: docs.map(contactView), next: docs.length === q.limit ? (docs.at(-1)?._id ?? null) : null };
  });

  app.get<{ Params: { id: string } }>('/v1/contacts/:id', async (req) => {
    const { id } = req.params;
    const tenant = one(req.query as Record<string, unknown>, 'tenant');
    const byAlias = [phoneAlias(id), bsuidAlias(id)];
    const found = await contacts
      .find({ $or: [{ _id: id }, { 'state.aliases': { $in: byAlias } }], ...(tenant ? { 'state.tenantId': tenant } : {}) })
      .limit(64)
      .toArray();
    // Merged contacts stand for their survivor.
    const live = new Map<string, ContactDocument>();
    for (const d of found) if (d.mergedInto === undefined) live.set(d._id, d);
    const survivors = found.filter((d) => d.mergedInto !== undefined && !live.has(d.mergedInto)).map((d) => d.mergedInto!);
    if (survivors.length > 0) for (const d of await contacts.find({ _id: { $in: survivors }, mergedInto: { $exists: false } }).toArray()) live.set(d._id, d);
    const docs = [...live.values()];
    if (docs.length === 0)
      throw new CrmSyncError('WABUS_CRM_SYNC_NOT_FOUND', { message: `no contact known as ${id}${tenant ? ` in tenant ${tenant}` : ''}`, param: 'id' });
    const exact = docs.find((d) => d._id === id);
    if (exact !== undefined) return contactView(exact);
    if (docs.length > 1) {
      const tenants = [...new Set(docs.map((d) => d.state.tenantId ?? DEFAULT_TENANT))].sort();
      throw new CrmSyncError('WABUS_CRM_SYNC_AMBIGUOUS', {
        message: `${id} is a customer of several tenants (${tenants.join(', ')}): add tenant=<id>`,
        param: 'tenant',
      });
    }
    return contactView(docs[0]!);
  });
};
