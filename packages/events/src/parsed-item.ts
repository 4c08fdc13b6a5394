import type { JsonValue } from './json-value.ts';

/**
 * Typed view of one event's `raw` bytes (see parse-item.ts). Every field Meta may omit or
 * mistype is `null` (or an empty array) rather than absent; ids stay strings.
 */
export type ParsedItem =
  | { kind: 'message'; message: ParsedMessage }
  | { kind: 'message_echo'; message: ParsedMessage }
  | { kind: 'status'; status: ParsedStatus }
  | { kind: 'error'; error: WhatsAppError }
  | { kind: 'change'; field: string; value: JsonValue };

export interface WhatsAppError {
  code: number | null;
  title: string | null;
  message: string | null;
  /** `error_data.details`, or the legacy top-level `details`. */
  details: string | null;
  href: string | null;
}

// ---- messages -------------------------------------------------------------------------------

export type ParsedMessage = MessageCommon & MessageContent;

export interface MessageCommon {
  id: string | null;
  /** Sender: the user for inbound messages, the business for echoes. */
  from: string | null;
  fromUserId: string | null;
  /** Echoes only: the user the business wrote to. */
  to: string | null;
  toUserId: string | null;
  /** The user's id: inbound `from` else `from_user_id`; echo `to` else `to_user_id`. */
  customerId: string | null;
  /** Unix seconds. */
  timestamp: number | null;
  context: MessageContext | null;
  referral: Referral | null;
  identity: Identity | null;
  errors: WhatsAppError[];
}

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export type MessageContent =
  | { type: 'text'; text: { body: string | null } }
  | { type: 'image'; image: Media }
  | { type: 'video'; video: Media }
  | { type: 'audio'; audio: Media }
  | { type: 'document'; document: Media }
  | { type: 'sticker'; sticker: Media }
  | { type: 'location'; location: Location }
  | { type: 'contacts'; contacts: ContactCard[] }
  | { type: 'interactive'; interactive: InteractiveReply }
  | { type: 'button'; button: { payload: string | null; text: string | null } }
  | { type: 'reaction'; reaction: Reaction }
  | { type: 'order'; order: Order }
  | { type: 'system'; system: SystemUpdate }
  | { type: 'revoke'; revoke: { originalMessageId: string | null } }
  | { type: 'edit'; edit: { originalMessageId: string | null; message: MessageContent | null } }
  | { type: 'unsupported'; unsupported: { type: string | null } }
  | { type: 'unknown'; unknown: { type: string | null; raw: string } };

export type MessageType = MessageContent['type'];

export interface MessageContext {
  /** Replied-to message's sender and id. */
  from: string | null;
  id: string | null;
  forwarded: boolean;
  frequentlyForwarded: boolean;
  referredProduct: { catalogId: string | null; productRetailerId: string | null } | null;
}

export interface Referral {
  sourceUrl: string | null;
  sourceId: string | null;
  sourceType: string | null;
  headline: string | null;
  body: string | null;
  mediaType: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  ctwaClid: string | null;
}

export interface Identity {
  acknowledged: boolean | null;
  createdTimestamp: number | null;
  hash: string | null;
}

export interface Media {
  id: string | null;
  mimeType: string | null;
  sha256: string | null;
  caption: string | null;
  filename: string | null;
  voice: boolean | null;
  animated: boolean | null;
  /** Download URL when the webhook carries one; it expires after minutes. */
  url: string | null;
}

export interface Location {
  latitude: number | null;
  longitude: number | null;
  name: string | null;
  address: string | null;
  url: string | null;
}

export interface ContactCard {
  name: {
    formattedName: string | null;
    firstName: string | null;
    lastName: string | null;
    middleName: string | null;
    prefix: string | null;
    suffix: string | null;
  };
  phones: Array<{ phone: string | null; waId: string | null; type: string | null }>;
  emails: Array<{ email: string | null; type: string | null }>;
  urls: Array<{ url: string | null; type: string | null }>;
  addresses: Array<{
    street: string | null;
    city: string | null;
    state: string | null;
    zip: string | null;
    country: string | null;
    countryCode: string | null;
    type: string | null;
  }>;
  org: { company: string | null; department: string | null; title: string | null } | null;
  birthday: string | null;
}

export type InteractiveReply =
  | { type: 'button_reply'; id: string | null; title: string | null }
  | { type: 'list_reply'; id: string | null; title: string | null; description: string | null }
  | {
      type: 'nfm_reply';
      name: string | null;
      body: string | null;
      /** The `response_json` string as sent. */
      responseJson: string | null;
      /** `response_json` parsed; null when absent or not valid JSON. */
      response: JsonValue | null;
    }
  | {
      type: 'call_permission_reply';
      response: string | null;
      expirationTimestamp: number | null;
      responseSource: string | null;
      isPermanent: boolean | null;
    }
  /** An interactive type not listed above, or no `interactive` object at all (`raw` null then). */
  | { type: 'unknown'; interactiveType: string | null; raw: string | null };

export interface Reaction {
  messageId: string | null;
  /** null when the reaction was removed. */
  emoji: string | null;
  /** Meta signals removal with an empty or missing emoji. */
  removed: boolean;
}

export interface Order {
  catalogId: string | null;
  text: string | null;
  productItems: Array<{
    productRetailerId: string | null;
    quantity: number | null;
    itemPrice: number | null;
    currency: string | null;
  }>;
}

export interface SystemUpdate {
  /** `user_changed_number`, `customer_identity_changed`, or whatever Meta sends. */
  type: string | null;
  body: string | null;
  /** The user's new wa_id on a number change (`wa_id`, or `new_wa_id` in older payloads). */
  newWaId: string | null;
  /** Legacy `customer` field (the old id). */
  customer: string | null;
  identity: string | null;
}

// ---- statuses -------------------------------------------------------------------------------

export const KNOWN_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;
export type KnownStatus = (typeof KNOWN_STATUSES)[number];

export interface ParsedStatus {
  /** The wamid of our outbound message (a wacid for calls). */
  id: string | null;
  /** `unknown` for values outside KNOWN_STATUSES (e.g. call statuses): see `statusRaw`. */
  status: KnownStatus | 'unknown';
  statusRaw: string | null;
  timestamp: number | null;
  recipientId: string | null;
  recipientUserId: string | null;
  recipientType: string | null;
  recipientParticipantId: string | null;
  recipientParticipantUserId: string | null;
  /** Status `type`, e.g. `call`. */
  type: string | null;
  conversation: { id: string | null; expirationTimestamp: number | null; originType: string | null } | null;
  pricing: { billable: boolean | null; pricingModel: string | null; category: string | null; type: string | null } | null;
  errors: WhatsAppError[];
  bizOpaqueCallbackData: string | null;
}
