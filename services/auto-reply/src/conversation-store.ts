import type { Collection, Db } from 'mongodb';
import { ensureFoldIndex } from '@wabus/projection';
import type { ConversationState } from './conversation-state.ts';

export const CONVERSATIONS_COLLECTION = 'conversations';
export const conversationsOf = (db: Db): Collection<ConversationState> => db.collection<ConversationState>(CONVERSATIONS_COLLECTION);

/** The projection's index (at start-up, before traffic). */
export const ensureConversationIndexes = (c: Collection<ConversationState>): Promise<void> => ensureFoldIndex(c);

export async function loadConversations(c: Collection<ConversationState>, ids: readonly string[]): Promise<Map<string, ConversationState>> {
  if (ids.length === 0) return new Map();
  const docs = await c.find({ _id: { $in: [...ids] } }).toArray();
  return new Map(docs.map((d) => [d._id, d]));
}
