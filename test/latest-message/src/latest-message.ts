import type { WhatsAppEvent } from '@wabus/events';
import type { Located } from '@wabus/projection';

/** A conversation's latest inbound message: the document, one per business number and customer. */
export interface LatestMessage {
  _id: string;
  phoneNumberId: string;
  customerId: string;
  wamid: string;
  type: string | null;
  /** Meta's time of the message, Unix seconds. */
  sentAt: number;
}

export type MessageFact = Omit<LatestMessage, '_id'>;

/** Pure: an inbound message is about its conversation's document; every other event about none. */
export function factsOf(event: WhatsAppEvent): Located<MessageFact>[] {
  const { kind, phoneNumberId, customerId, itemId, itemType, metaTimestamp } = event;
  if (kind !== 'message' || phoneNumberId === null || customerId === null || itemId === null || metaTimestamp === null) return [];
  return [{ id: `${phoneNumberId}:${customerId}`, fact: { phoneNumberId, customerId, wamid: itemId, type: itemType, sentAt: metaTimestamp } }];
}

/**
 * Pure and idempotent: the later message wins (by Meta's time, then by id), so a message folded again, or messages
 * in any order, leave the same document.
 */
export function evolve(doc: LatestMessage | null, fact: MessageFact): LatestMessage {
  const later = doc === null || fact.sentAt > doc.sentAt || (fact.sentAt === doc.sentAt && fact.wamid > doc.wamid);
  return later ? { _id: `${fact.phoneNumberId}:${fact.customerId}`, ...fact } : doc;
}
