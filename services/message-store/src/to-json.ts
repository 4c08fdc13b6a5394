import type { ConversationDoc, MessageDoc } from './message-doc.ts';

/**
 * A message as the API returns it: `wamid`, then the document's fields (typed content under its type's key, the
 * updates and what they make current, the raw item text) without the store's own bookkeeping.
 */
export function messageJson(doc: MessageDoc): Record<string, unknown> {
  const { _id, _h: _hash, _sys: _bookkeeping, received: _received, ...fields } = doc;
  return { wamid: _id, ...fields };
}

export function conversationJson(doc: ConversationDoc): Record<string, unknown> {
  return {
    id: doc._id,
    tenantId: doc.tenantId ?? null,
    phoneNumberId: doc.phoneNumberId,
    customerId: doc.customerId,
    personId: doc.personId,
    aliases: doc.aliases,
    profileName: doc.profileName,
    firstInboundAt: doc.firstInboundAt,
    lastInboundAt: doc.lastInboundAt,
    windowClosesAt: doc.windowClosesAt,
    counts: doc.counts,
  };
}
