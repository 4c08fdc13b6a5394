import { foldDocuments } from '@wabus/dedup';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import { EventRejectedError, type BatchOutcome, type ConsumedRecord, type ConsumerHandler } from '@wabus/kafka';
import { conversationFactsById, messageFactsById, ownIds, planBatch } from './batch-plan.ts';
import type { MessageStoreCollections } from './collections.ts';
import { evolveConversation } from './evolve-conversation.ts';
import { evolveMessage } from './evolve-message.ts';
import type { LogPosition, MessageFact } from './message-doc.ts';

/**
 * message-store's handler: a batch is two single-document folds, messages FIRST, then conversations (that order is
 * what keeps the counts exact across crashes: docs/consumers/message-store.md). Events other than messages and
 * echoes change nothing; a message that can never be stored is rejected to the dead-letter topic.
 */
export function createMessageStoreHandler(c: MessageStoreCollections): ConsumerHandler<WhatsAppEvent> {
  return {
    decode: (value) => decodeEvent(value),
    async handleBatch(records: ConsumedRecord<WhatsAppEvent>[]): Promise<BatchOutcome> {
      const plan = planBatch(records);
      const rejected = plan.rejected.map(({ offset, reason }) => ({ offset, error: new EventRejectedError(reason, { code: 'WABUS_MESSAGE_STORE_INVALID' }) }));
      if (plan.accepted.length === 0) return { rejected };

      const changed = new Set<MessageFact>();
      await foldDocuments(c.messages, messageFactsById(plan.accepted), (doc, fact) => {
        const next = evolveMessage(doc, fact);
        if (next !== doc) changed.add(fact);
        return next;
      });
      const firsts = await loadFirsts(c, ownIds(plan.accepted));
      await foldDocuments(c.conversations, conversationFactsById(plan.accepted, firsts), evolveConversation);

      // A duplicate (redelivery, replay, Meta retry) changed no message document.
      const duplicateOffsets = plan.accepted.filter((f) => !changed.has(f.own) && (f.update === null || !changed.has(f.update))).map((f) => String(f.conversation.at.o));
      return { rejected, duplicateOffsets };
    },
  };
}

/** `_sys.first` of the batch's messages, read after the messages write, so it reflects every offset up to the batch's last. */
async function loadFirsts(c: MessageStoreCollections, ids: string[]): Promise<Map<string, LogPosition | null>> {
  const docs = await c.messages.find({ _id: { $in: ids } }, { projection: { _sys: 1 } }).toArray();
  return new Map(docs.map((d) => [d._id, d._sys?.first ?? null]));
}
