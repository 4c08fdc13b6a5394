import { useErrorEnvelope } from '@wabus/errors';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { AutoReplyError } from './errors.ts';
import { OUTBOX_STATES, outboxOf, type OutboxEntry, type OutboxState } from './outbox.ts';

/** The entry as the API shows it: `eventId` for `_id`. */
export function outboxView(e: OutboxEntry) {
  const { _id, ...rest } = e;
  return { eventId: _id, ...rest };
}

function parseQuery(q: Record<string, unknown>): { state: OutboxState | null; limit: number } {
  const state = q['state'];
  if (state !== undefined && !(OUTBOX_STATES as readonly unknown[]).includes(state)) {
    throw new AutoReplyError('WABUS_AUTO_REPLY_BAD_PARAM', { param: 'state', message: `state: one of ${OUTBOX_STATES.join(', ')}` });
  }
  const raw = q['limit'] ?? '50';
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 500)) throw new AutoReplyError('WABUS_AUTO_REPLY_BAD_PARAM', { param: 'limit', message: 'limit: an integer from 1 to 500' });
  return { state: (state as OutboxState | undefined) ?? null, limit };
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
    const { state, limit } = parseQuery(req.query as Record<string, unknown>);
    const filter = state === null ? {} : { state };
    const [entries, count] = await Promise.all([outbox.find(filter).sort({ createdAt: -1 }).limit(limit).toArray(), outbox.countDocuments(filter)]);
    return { state, count, entries: entries.map(outboxView) };
  });

  app.get<{ Params: { eventId: string } }>('/v1/outbox/:eventId', async (req) => {
    const entry = await outbox.findOne({ _id: req.params.eventId });
    if (entry === null) throw new AutoReplyError('WABUS_AUTO_REPLY_NOT_FOUND', { param: 'eventId' });
    return outboxView(entry);
  });
};
