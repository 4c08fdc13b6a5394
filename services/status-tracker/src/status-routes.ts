import { useErrorEnvelope } from '@wabus/errors';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { StatusTrackerError } from './errors.ts';
import type { StatusDocument } from './status-document.ts';
import { STATUSES_COLLECTION } from './status-indexes.ts';
import { countStatuses, failuresByCode, findStatus } from './status-queries.ts';
import { isoOrNull, parseStatusRange } from './status-range.ts';

/** The stored document as the API shows it: `id` for `_id`, without the concurrency token. */
export function statusView(doc: StatusDocument) {
  const { _id, _h: _token, ...rest } = doc;
  // Documents written before tenants (or sends) have no tenantId (send) field: shown as null.
  return { id: _id, ...rest, tenantId: rest.tenantId ?? null, send: rest.send ?? null };
}

/** `tenant=<id>`: keep only that tenant's documents (docs/tenants.md); null when not given. */
export function parseTenant(query: Record<string, unknown>): string | null {
  const v = query['tenant'];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw new StatusTrackerError('WABUS_STATUS_TRACKER_BAD_PARAM', { param: 'tenant', message: 'tenant: must be given once' });
  if (v === '') throw new StatusTrackerError('WABUS_STATUS_TRACKER_BAD_PARAM', { param: 'tenant', message: 'tenant: must not be empty' });
  return v;
}

/**
 * The read API (registered by the consumer service with its database):
 * - GET /v1/statuses/:wamid: the message's document, with its send once read (404 WABUS_STATUS_TRACKER_NOT_FOUND);
 *   a document may hold its send and no status yet (`status` null, empty history);
 * - GET /v1/statuses/counts?phone_number_id=&from=&to=: messages per current status, first seen in [from, to);
 * - GET /v1/statuses/failures?phone_number_id=&from=&to=: failed messages by error code, with examples.
 * `tenant=<id>` on any of them keeps only that tenant's documents: another tenant's message is 404, as an unknown one
 * (docs/tenants.md). Bad parameters answer 400 WABUS_STATUS_TRACKER_BAD_PARAM naming the parameter.
 */
export const statusRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const statuses = db.collection<StatusDocument>(STATUSES_COLLECTION);

  useErrorEnvelope(app, 'WABUS_STATUS_TRACKER_INTERNAL');

  app.get('/v1/statuses/counts', async (req) => {
    const range = parseStatusRange(req.query as Record<string, unknown>);
    const tenant = parseTenant(req.query as Record<string, unknown>);
    const { total, counts } = await countStatuses(statuses, range, tenant);
    return { phoneNumberId: range.phoneNumberId, from: isoOrNull(range.from), to: isoOrNull(range.to), total, counts };
  });

  app.get('/v1/statuses/failures', async (req) => {
    const range = parseStatusRange(req.query as Record<string, unknown>);
    const tenant = parseTenant(req.query as Record<string, unknown>);
    const { failed, codes } = await failuresByCode(statuses, range, tenant);
    return { phoneNumberId: range.phoneNumberId, from: isoOrNull(range.from), to: isoOrNull(range.to), failed, codes };
  });

  app.get<{ Params: { wamid: string } }>('/v1/statuses/:wamid', async (req) => {
    const tenant = parseTenant(req.query as Record<string, unknown>);
    const doc = await findStatus(statuses, req.params.wamid, tenant);
    if (doc === null) throw new StatusTrackerError('WABUS_STATUS_TRACKER_NOT_FOUND', { param: 'wamid' });
    return statusView(doc);
  });
};
