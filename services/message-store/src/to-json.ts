import type { ConversationDoc, MessageDoc } from './message-doc.ts';

/**
 * A message as the API returns it: `wamid`, then the document's fields (typed content under its type's key, the
 * updates and what they make current, the raw item text) without the store's own bookkeeping.
 */
export function messageJson(doc: MessageDoc): Record<string, unknown> {
  const { _id, _h: _hash, _sys: _bookkeeping, received: _received, ...fields } = doc;
  return { wamid: _id, ...fields, mediaPath: mediaPathOf(doc) };
}

const MEDIA_TYPES: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Where media-store serves the message's media (`GET /v1/media/:mediaId`, its document; `/content`, the bytes): the
 * link from a message to what Meta forgets after 30 days. Null for messages without media. Computed when read, so the
 * stored documents (and their content hashes) stay as they were.
 */
export function mediaPathOf(doc: Pick<MessageDoc, 'content'>): string | null {
  const c = doc.content as (Record<string, unknown> & { type: string }) | null;
  if (c === null || !MEDIA_TYPES.has(c.type)) return null;
  const id = (c[c.type] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? `/v1/media/${encodeURIComponent(id)}` : null;
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
