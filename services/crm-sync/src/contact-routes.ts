import type { FastifyPluginAsync } from 'fastify';
import type { Db, Filter } from 'mongodb';
import type { ContactDocument } from './contact-state.ts';
import { CONTACTS_COLLECTION } from './contact-store.ts';
import { CrmSyncError } from './errors.ts';

export type SyncStatus = 'synced' | 'pending' | 'rejected';

/** The stored document as the API shows it: desired state plus where the CRM stands. */
export function contactView(doc: ContactDocument) {
  const status: SyncStatus = !doc.unsynced ? 'synced' : doc.rejected?.hash === doc.stateHash ? 'rejected' : 'pending';
  return {
    id: doc._id,
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
  if (unsynced !== undefined && unsynced !== 'true' && unsynced !== 'false') throw new CrmSyncError('WABUS_CRM_SYNC_BAD_PARAM', { message: 'unsynced must be true or false', param: 'unsynced' });
  const limit = one(q, 'limit');
  if (limit !== undefined && (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1_000)) {
    throw new CrmSyncError('WABUS_CRM_SYNC_BAD_PARAM', { message: 'limit must be an integer from 1 to 1000', param: 'limit' });
  }
  const after = one(q, 'after');
  return { unsynced: unsynced === 'true', limit: limit === undefined ? 100 : Number(limit), after: after === undefined || after === '' ? null : after };
}

/**
 * The read API (registered by the consumer service with its database):
 * - GET /v1/contacts/:customerId: desired state and sync status (404 WABUS_CRM_SYNC_NOT_FOUND);
 * - GET /v1/contacts?unsynced=true&limit=&after=: contacts by id, only those the CRM does not hold when asked.
 */
export const contactRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const contacts = db.collection<ContactDocument>(CONTACTS_COLLECTION);

  app.setErrorHandler((err, _req, reply) => {
    if (!(err instanceof CrmSyncError)) throw err;
    return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message, ...(err.param ? { param: err.param } : {}) } });
  });

  app.get('/v1/contacts', async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>);
    const filter: Filter<ContactDocument> = {};
    if (q.unsynced) filter.unsynced = true;
    if (q.after !== null) filter._id = { $gt: q.after };
    const docs = await contacts.find(filter).sort({ _id: 1 }).limit(q.limit).toArray();
    return { contacts: docs.map(contactView), next: docs.length === q.limit ? (docs.at(-1)?._id ?? null) : null };
  });

  app.get<{ Params: { customerId: string } }>('/v1/contacts/:customerId', async (req) => {
    const doc = await contacts.findOne({ _id: req.params.customerId });
    if (doc === null) throw new CrmSyncError('WABUS_CRM_SYNC_NOT_FOUND', { param: 'customerId' });
    return contactView(doc);
  });
};
