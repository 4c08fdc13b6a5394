import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { ConversationState } from './conversation-state.ts';

export const CONVERSATIONS_COLLECTION = 'conversations';
export const conversationsOf = (db: Db): Collection<ConversationState> => db.collection<ConversationState>(CONVERSATIONS_COLLECTION);

export async function loadConversations(c: Collection<ConversationState>, ids: readonly string[]): Promise<Map<string, ConversationState>> {
  if (ids.length === 0) return new Map();
  const docs = await c.find({ _id: { $in: [...ids] } }).toArray();
  return new Map(docs.map((d) => [d._id, d]));
}

/**
 * One upsert per conversation touched by a batch, with operators that only move one way ($min / $max): writing
 * the same state again, or an older one after a newer, changes nothing.
 */
export async function saveConversations(c: Collection<ConversationState>, states: readonly ConversationState[]): Promise<void> {
  if (states.length === 0) return;
  const ops: AnyBulkWriteOperation<ConversationState>[] = states.map((s) => ({
    updateOne: {
      filter: { _id: s._id },
      update: {
        $setOnInsert: { phoneNumberId: s.phoneNumberId, customerId: s.customerId },
        $min: { firstInboundAt: s.firstInboundAt, ...(s.greetedAt === undefined ? {} : { greetedAt: s.greetedAt }) },
        $max: { lastInboundAt: s.lastInboundAt },
      },
      upsert: true,
    },
  }));
  await c.bulkWrite(ops, { ordered: false });
}
