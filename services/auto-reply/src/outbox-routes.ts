import { useErrorEnvelope } from '@wabus/errors';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { AutoReplyError } from './errors.ts';
import { listLedger, parseLedgerQuery } from '@wabus/graph-send';
import { outboxOf, type OutboxEntry } from './outbox.ts';

/** The entry as the API shows it: `eventId` for `_id`. */
export function outboxView(e: OutboxEntry) {
  const { _id, ...rest } = e;
  return { eventId: _id, ...rest };
}

/**
 * The read API (registered by the consumer service with its database):
 * - GET /v1/outbox?state=pending|sent|failed|unknown&limit=: newest first (default 50, at most 500), with `count`
 *   of all entries in that state;
 * - GET /v1/outbox/:eventId: one entry (404 WABUS_AUTO_REPLY_NOT_FOUND).
 */
export const outboxRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const outbox = outboxOf(db);

  useErrorEnvelope(app, 'WABUS_AUTO_REPLY_INTERNAL');

  app.get('/v1/outbox', async (req) => {
    const query = parseLedgerQuery(
      req.query as Record<string, unknown>,
      (param, message) => new AutoReplyError('WABUS_AUTO_REPLY_BAD_PARAM', { param, message }),
    );
    const { state, count, entries } = await listLedger(outbox, query);
    return { state, count, entries: entries.map(outboxView) };
  });

  app.get<{ Params: { eventId: string } }>('/v1/outbox/:eventId', async (req) => {
    const entry = await outbox.findOne({ _id: req.params.eventId });
    if (entry === null) throw new AutoReplyError('WABUS_AUTO_REPLY_NOT_FOUND', { param: 'eventId' });
    return outboxView(entry);
  });
};
