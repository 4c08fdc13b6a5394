import { useErrorEnvelope } from '@wabus/errors';
import type { FastifyPluginAsync } from 'fastify';
import type { Db, Filter } from 'mongodb';
import { aliasValue, bsuidAlias, isBusinessScopedId, phoneAlias, type Alias } from '@wabus/events';
import { createIdentityLinks, type Person } from '@wabus/identity';
import { messageStoreCollections } from './collections.ts';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.ts';
import { conversationId } from './evolve-conversation.ts';
import { MessageStoreError } from './errors.ts';
import type { ConversationDoc, MessageDoc } from './message-doc.ts';
import { conversationJson, messageJson } from './to-json.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

type Query = Record<string, string | string[] | undefined>;

function param(query: Query, name: string, required: true): string;
function param(query: Query, name: string, required?: false): string | undefined;
function param(query: Query, name: string, required = false): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_PARAM', { message: `${name} must be given once`, param: name });
  if (required && (v === undefined || v === '')) throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_PARAM', { message: `${name} is required`, param: name });
  return v;
}

function page(query: Query): { limit: number; cursor: Cursor | null } {
  const limitText = param(query, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_PARAM', { message: `limit must be an integer from 1 to ${MAX_LIMIT}`, param: 'limit' });
  }
  const cursorText = param(query, 'cursor');
  return { limit, cursor: cursorText === undefined ? null : decodeCursor(cursorText) };
}

const timeOf = (d: Date | null): number | null => (d === null ? null : d.getTime());

/** An identifier as a client gives it (a phone number or a BSUID, as Meta writes them), typed. */
const aliasOfId = (id: string): Alias => (isBusinessScopedId(id) ? bsuidAlias(id) : phoneAlias(id));

/**
 * The read API: a message by wamid, the business numbers that have conversations, a business number's conversations
 * newest first, a conversation (by any of the
 * customer's identifiers: docs/identity.md) and its messages by Meta time. Listings are keyset-paginated on the
 * start-up indexes ((time, _id) cursors; null times sort lowest). `tenant=<id>` on any of them keeps only that
 * tenant's documents (docs/tenants.md).
 */
export const readRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  const { messages, conversations, identityLinks } = messageStoreCollections(db);
  const identity = createIdentityLinks(identityLinks);
  /** The person an identifier belongs to at a business number: any alias finds the one conversation. */
  const personOf = async (phoneNumberId: string, id: string): Promise<Person> => {
    const alias = aliasOfId(id);
    return (await identity.resolve([{ scope: phoneNumberId, aliases: [alias] }])).get(phoneNumberId)?.get(alias) ?? { id: alias, aliases: [alias] };
  };

  useErrorEnvelope(app, 'WABUS_MESSAGE_STORE_INTERNAL');

  app.get<{ Params: { wamid: string }; Querystring: Query }>('/v1/messages/:wamid', async (request) => {
    const tenant = param(request.query, 'tenant');
    const doc = await messages.findOne({ _id: request.params.wamid });
    // A placeholder only holds reactions / edits / revokes waiting for their message: not a message yet.
    if (doc === null || !doc.received || (tenant !== undefined && doc.tenantId !== tenant))
      throw new MessageStoreError('WABUS_MESSAGE_STORE_NOT_FOUND', { message: `no message ${request.params.wamid}` });
    return messageJson(doc);
  });

  app.get<{ Querystring: Query }>('/v1/conversations', async (request) => {
    const phoneNumberId = param(request.query, 'phone_number_id', true);
    const tenant = param(request.query, 'tenant');
    const { limit, cursor } = page(request.query);
    const filter: Filter<ConversationDoc> = { phoneNumberId };
    if (tenant !== undefined) filter.tenantId = tenant;
    if (cursor !== null) {
      // Newest first: later pages hold older times, the same time with greater ids, then the never-inbound ones.
      filter.$or =
        cursor.t === null
          ? [{ lastInboundAt: null, _id: { $gt: cursor.id } }]
          : [{ lastInboundAt: { $lt: new Date(cursor.t) } }, { lastInboundAt: new Date(cursor.t), _id: { $gt: cursor.id } }, { lastInboundAt: null }];
    }
    const docs = await conversations
      .find(filter)
      .sort({ lastInboundAt: -1, _id: 1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = docs.length > limit && last ? encodeCursor({ t: timeOf(last.lastInboundAt), id: last._id }) : null;
    return { items: items.map(conversationJson), nextCursor };
  });

  // The business numbers that have conversations, for a user who does not know them yet: each with its tenant and its
  // latest inbound message's time (null when it only sent). One distinct and one newest-first read per number, both on
  // the newest_first index; a deployment has tens of numbers, not millions.
  app.get<{ Querystring: Query }>('/v1/numbers', async (request) => {
    const tenant = param(request.query, 'tenant');
    for (const name of Object.keys(request.query)) {
      if (name !== 'tenant')
        throw new MessageStoreError('WABUS_MESSAGE_STORE_BAD_PARAM', { message: `${name} is not a parameter of /v1/numbers`, param: name });
    }
    const filter: Filter<ConversationDoc> = tenant === undefined ? {} : { tenantId: tenant };
    const numbers = (await conversations.distinct('phoneNumberId', filter)).filter((n): n is string => typeof n === 'string').sort();
    const items = await Promise.all(
      numbers.map(async (phoneNumberId) => {
        const newest = await conversations.findOne(
          { ...filter, phoneNumberId },
          { sort: { lastInboundAt: -1, _id: 1 }, projection: { tenantId: 1, lastInboundAt: 1 } },
        );
        return { phoneNumberId, tenantId: newest?.tenantId ?? null, lastInboundAt: newest?.lastInboundAt ?? null };
      }),
    );
    return { items };
  });

  app.get<{ Params: { phoneNumberId: string; customerId: string }; Querystring: Query }>('/v1/conversations/:phoneNumberId/:customerId', async (request) => {
    const { phoneNumberId, customerId } = request.params;
    const tenant = param(request.query, 'tenant');
    const person = await personOf(phoneNumberId, customerId);
    const doc = await conversations.findOne({ _id: conversationId(phoneNumberId, person.id) });
    if (doc === null || (tenant !== undefined && doc.tenantId !== tenant)) {
      throw new MessageStoreError('WABUS_MESSAGE_STORE_NOT_FOUND', { message: `no conversation of ${customerId} at ${phoneNumberId}` });
    }
    return conversationJson(doc);
  });

  app.get<{ Params: { phoneNumberId: string; customerId: string }; Querystring: Query }>(
    '/v1/conversations/:phoneNumberId/:customerId/messages',
    async (request) => {
      const { phoneNumberId, customerId } = request.params;
      const tenant = param(request.query, 'tenant');
      const { limit, cursor } = page(request.query);
      // Every message of the person, whichever of its identifiers it came with.
      const person = await personOf(phoneNumberId, customerId);
      const filter: Filter<MessageDoc> = { phoneNumberId, customerId: { $in: person.aliases.map((a) => aliasValue(a)) } };
      if (tenant !== undefined) filter.tenantId = tenant;
      if (cursor !== null) {
        filter.$or =
          cursor.t === null
            ? [{ timestamp: null, _id: { $gt: cursor.id } }, { timestamp: { $ne: null } }]
            : [{ timestamp: { $gt: new Date(cursor.t) } }, { timestamp: new Date(cursor.t), _id: { $gt: cursor.id } }];
      }
      const docs = await messages
        .find(filter)
        .sort({ timestamp: 1, _id: 1 })
        .limit(limit + 1)
        .toArray();
      const items = docs.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = docs.length > limit && last ? encodeCursor({ t: timeOf(last.timestamp), id: last._id }) : null;
      return { items: items.map(messageJson), nextCursor };
    },
  );
};
