import { parseItem, type Media, type MediaType, type WhatsAppEvent } from '@wabus/events';

const GRAPH_ID = /^[A-Za-z0-9_-]{1,256}$/;

const MEDIA_TYPES: ReadonlySet<string> = new Set<MediaType>(['image', 'video', 'audio', 'document', 'sticker']);

/** What a message says about its media: enough to fetch it (with the tenant's token) and check it. */
export interface MediaReference {
  mediaId: string;
  type: MediaType;
  /** Lowercase hex; Meta sends base64 (webhooks) or hex. Null when the message carries none. */
  sha256: string | null;
  mimeType: string | null;
  filename: string | null;
  messageId: string | null;
  tenantId: string | null;
  phoneNumberId: string | null;
  wabaId: string;
  /** Meta's time of the message, Unix seconds (the media lives about 30 days from it). */
  metaTimestamp: number | null;
  /** When ingress received the webhook, epoch ms. */
  receivedAt: number;
}

export type ReadMedia = { kind: 'none' } | { kind: 'media'; media: MediaReference } | { kind: 'invalid'; reason: string };

/** Hex of a sha256 given as 64 hex digits or as base64 of its 32 bytes; null for anything else. */
export function sha256Hex(raw: string): string | null {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return raw.toLowerCase();
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
    const bytes = Buffer.from(raw.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (bytes.length === 32) return bytes.toString('hex');
  }
  return null;
}

function mediaOf(message: { type: string } & Record<string, unknown>): Media | null {
  return MEDIA_TYPES.has(message.type) ? ((message[message.type] as Media | undefined) ?? null) : null;
}

/**
 * Pure: the media an inbound message or echo refers to (WHATSAPP.md: image, video, audio, document, sticker carry
 * `{ id, mime_type, sha256, ... }`). Other events and other message types have none; a media message without an id
 * or with a sha256 that is neither hex nor base64 of 32 bytes can never be fetched and checked: invalid.
 */
export function readMediaReference(event: WhatsAppEvent): ReadMedia {
  if (event.kind !== 'message' && event.kind !== 'message_echo') return { kind: 'none' };
  const item = parseItem(event);
  if (item.kind !== 'message' && item.kind !== 'message_echo') return { kind: 'none' };
  const m = item.message;
  const media = mediaOf(m as unknown as { type: string } & Record<string, unknown>);
  if (media === null) return MEDIA_TYPES.has(m.type) ? { kind: 'invalid', reason: `${m.type} message without its ${m.type} object` } : { kind: 'none' };
  if (media.id === null || media.id === '') return { kind: 'invalid', reason: `${m.type} message ${m.id ?? '(no id)'} has no media id` };
  // The id becomes a Graph path segment (GET /<version>/<media id>): `..` or `a/b` would make it another Graph call,
  // with the tenant's token. Meta's media ids are digits; letters, `_` and `-` are kept for other senders' ids.
  if (!GRAPH_ID.test(media.id))
    return { kind: 'invalid', reason: `${m.type} message ${m.id ?? '(no id)'}: media id ${JSON.stringify(media.id.slice(0, 80))} is not a Graph id` };
  const sha256 = media.sha256 === null ? null : sha256Hex(media.sha256);
  if (media.sha256 !== null && sha256 === null)
    return { kind: 'invalid', reason: `media ${media.id}: sha256 ${JSON.stringify(media.sha256)} is neither hex nor base64 of 32 bytes` };
  return {
    kind: 'media',
    media: {
      mediaId: media.id,
      type: m.type as MediaType,
      sha256,
      mimeType: media.mimeType,
      filename: media.filename,
      messageId: m.id,
      tenantId: event.tenantId,
      phoneNumberId: event.phoneNumberId,
      wabaId: event.wabaId,
      metaTimestamp: m.timestamp ?? event.metaTimestamp,
      receivedAt: event.receivedAt,
    },
  };
}
