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
  return { id: _id, ...rest };
}

/**
 * The read API (registered by the consumer service with its database):
 * - GET /v1/statuses/:wamid: the message's document (404 WABUS_STATUS_TRACKER_NOT_FOUND);
 * - GET /v1/statuses/counts?phone_number_id=&from=&to=: messages per current status, first seen in [from, to);
 * - GET /v1/statuses/failures?phone_number_id=&from=&to=: failed messages by error code, with examples.
 * Bad parameters answer 400 WABUS_STATUS_TRACKER_BAD_PARAM naming the parameter.
 */
export const statusRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const statuses = db.collection<StatusDocument>(STATUSES_COLLECTION);

  // Codes map to HTTP here, in one place; anything else goes on to fastify's own handling.
  app.setErrorHandler((err, _req, reply) => {
    if (!(err instanceof StatusTrackerError)) throw err;
    return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message, ...(err.param ? { param: err.param } : {}) } });
  });

  app.get('/v1/statuses/counts', async (req) => {
    const range = parseStatusRange(req.query as Record<string, unknown>);
    const { total, counts } = await countStatuses(statuses, range);
    return { phoneNumberId: range.phoneNumberId, from: isoOrNull(range.from), to: isoOrNull(range.to), total, counts };
  });

  app.get('/v1/statuses/failures', async (req) => {
    const range = parseStatusRange(req.query as Record<string, unknown>);
    const { failed, codes } = await failuresByCode(statuses, range);
    return { phoneNumberId: range.phoneNumberId, from: isoOrNull(range.from), to: isoOrNull(range.to), failed, codes };
  });

  app.get<{ Params: { wamid: string } }>('/v1/statuses/:wamid', async (req) => {
    const doc = await findStatus(statuses, req.params.wamid);
    if (doc === null) throw new StatusTrackerError('WABUS_STATUS_TRACKER_NOT_FOUND', { param: 'wamid' });
    return statusView(doc);
  });
};
