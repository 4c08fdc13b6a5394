import type { Collection, Db } from 'mongodb';
import { ensureFoldIndex } from '@wabus/projection';
import { ensureIdentityIndexes, type LinkDoc } from '@wabus/identity';
import type { ConversationDoc, MessageDoc } from './message-doc.ts';

export interface MessageStoreCollections {
  messages: Collection<MessageDoc>;
  conversations: Collection<ConversationDoc>;
  /** The identity map: links between a customer's aliases, per business number (docs/identity.md). */
  identityLinks: Collection<LinkDoc>;
}

export function messageStoreCollections(db: Db): MessageStoreCollections {
  return {
    messages: db.collection<MessageDoc>('messages'),
    conversations: db.collection<ConversationDoc>('conversations'),
    identityLinks: db.collection<LinkDoc>('identity_links'),
  };
}

/**
 * Indexes, created at start-up before any traffic (idempotent). Plain indexes only: the test store has no partial
 * indexes or collations. The read API's: a conversation's timeline (placeholders have a null phoneNumberId, so they
 * never show in it) and a business number's conversations newest first; and the projection's own (ensureFoldIndex)
 * on both collections.
 */
export async function ensureIndexes(c: MessageStoreCollections): Promise<void> {
  await c.messages.createIndex({ phoneNumberId: 1, customerId: 1, timestamp: 1, _id: 1 }, { name: 'conversation_timeline' });
  await c.conversations.createIndex({ phoneNumberId: 1, lastInboundAt: -1, _id: 1 }, { name: 'newest_first' });
  await c.conversations.createIndex({ tenantId: 1, phoneNumberId: 1, lastInboundAt: -1, _id: 1 }, { name: 'tenant_newest_first' });
  await ensureIdentityIndexes(c.identityLinks);
  await ensureFoldIndex(c.messages);
  await ensureFoldIndex(c.conversations);
}
