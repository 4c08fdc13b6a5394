/** Media kinds Meta sends by uploaded id or by a public link. */
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Who a message goes to: a phone number in `to`, or a business-scoped user id in `recipient` (WHATSAPP.md). */
export type Address = { to: string } | { recipient: string };

export type SendMessage =
  | { type: 'text'; body: string; previewUrl: boolean }
  | { type: 'template'; name: string; language: string; components: Record<string, unknown>[] }
  | { type: MediaType; media: { id: string } | { link: string }; caption?: string; filename?: string }
  | { type: 'interactive'; interactive: Record<string, unknown> }
  | { type: 'reaction'; messageId: string; emoji: string };

/** One validated request of `POST /v1/messages`: a message to a customer, or marking an inbound message read. */
export type SendCommand =
  | { kind: 'message'; tenantId: string | null; phoneNumberId: string; address: Address; replyTo: string | null; message: SendMessage }
  | { kind: 'read'; tenantId: string | null; phoneNumberId: string; messageId: string };

/** Free-form messages need the customer service window; templates and marking as read do not (WHATSAPP.md, 131047). */
export const needsWindow = (c: SendCommand): boolean => c.kind === 'message' && c.message.type !== 'template';

/** The customer a command is about, as the pacing and window key `<phoneNumberId>:<customer>`; null for a read mark. */
export const customerOf = (c: SendCommand): string | null => (c.kind === 'read' ? null : 'to' in c.address ? c.address.to : c.address.recipient);
