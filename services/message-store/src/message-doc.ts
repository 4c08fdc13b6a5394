import type { StateDocument } from '@wabus/projection';
import type { Identity, MessageContent, MessageContext, Referral, WhatsAppError } from '@wabus/events';

/** Where an event sits in the log: partition and offset. Offsets are per partition (see docs/consumers/message-store.md). */
export interface LogPosition {
  p: number;
  o: number;
}

/** What a message's own event says about it (everything but the updates that target it). */
export interface OwnMessage {
  direction: 'inbound' | 'outbound';
  /** The tenant owning the business number (null: ingress had no tenants file). */
  tenantId: string | null;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  /** The identifier the message came with (the phone, else the BSUID): the alias it is filed under. */
  customerId: string;
  /** The customer's `contacts[].profile.name` delivered with this item. */
  profileName: string | null;
  /** The customer's username, when Meta gave one (an attribute; it can change). */
  username: string | null;
  from: string | null;
  fromUserId: string | null;
  to: string | null;
  toUserId: string | null;
  /** Meta's time of the message. */
  timestamp: Date | null;
  /** When ingress received the webhook. */
  receivedAt: Date;
  /** The typed content: `type` plus the key of the same name (`text`, `image`, ..., `unknown`). */
  content: MessageContent;
  context: MessageContext | null;
  referral: Referral | null;
  identity: Identity | null;
  /** `errors[]` of the message (unsupported types carry 131051). */
  errors: WhatsAppError[];
  /** The item JSON exactly as received. */
  raw: string;
}

export interface ReactionUpdate {
  /** The reaction message's own wamid. */
  wamid: string;
  /** Who reacted: the customer, or the business on an echo. */
  from: string | null;
  /** null: the reaction was removed. */
  emoji: string | null;
  timestamp: Date | null;
}

export interface EditUpdate {
  wamid: string;
  timestamp: Date | null;
  /** The new content; null when the edit carried none we could read. */
  content: MessageContent | null;
}

export interface RevokeUpdate {
  wamid: string;
  timestamp: Date | null;
}

/** Updates carried by other messages (reactions, edits, revokes) that target this one. Sorted by (timestamp, wamid). */
export interface MessageUpdates {
  reactions: ReactionUpdate[];
  edits: EditUpdate[];
  revokes: RevokeUpdate[];
}

/**
 * One document per wamid in `messages`. Flat so the read API and the per-conversation index see plain fields; the
 * typed content is `content` (`type` plus the key of the same name, as in Meta's payload). Every document has the
 * same keys in the same order, placeholders too (`received: false`: only updates that arrived before their target,
 * every own field null): a store that keeps a replaced document's old key order (mongo-java-server does) then still
 * stores the same bytes whatever states the document went through.
 */
export interface MessageDoc extends StateDocument {
  _id: string;
  received: boolean;
  direction: OwnMessage['direction'] | null;
  type: MessageContent['type'] | null;
  content: MessageContent | null;
  tenantId: string | null;
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  customerId: string | null;
  profileName: string | null;
  username: string | null;
  from: string | null;
  fromUserId: string | null;
  to: string | null;
  toUserId: string | null;
  timestamp: Date | null;
  receivedAt: Date | null;
  context: MessageContext | null;
  referral: Referral | null;
  identity: Identity | null;
  errors: WhatsAppError[];
  /** Current reaction per reactor (latest by (timestamp, wamid); removals drop out), sorted by reactor. */
  reactions: ReactionUpdate[];
  /** Content after edits: the latest edit's, null while never edited (the original is then current). */
  current: MessageContent | null;
  edited: boolean;
  revoked: boolean;
  /** Full history of the updates, whatever order they arrived in. */
  updates: MessageUpdates;
  raw: string | null;
  _sys: {
    /** Log position of the message's own event that filled this document: the smallest one seen (null on placeholders). */
    first: LogPosition | null;
  };
}

/** One input of the messages fold. A message event gives an `own` fact, plus an update fact for its target. */
export type MessageFact =
  | { kind: 'own'; wamid: string; at: LogPosition; message: OwnMessage }
  | { kind: 'reaction'; target: string; update: ReactionUpdate }
  | { kind: 'edit'; target: string; update: EditUpdate }
  | { kind: 'revoke'; target: string; update: RevokeUpdate };

/**
 * One document per (business number, person) in `conversations`; `_id` = `${phoneNumberId}:${personId}`
 * (docs/identity.md: a person is every alias linked to one, named by the smallest).
 */
export interface ConversationDoc extends StateDocument {
  _id: string;
  tenantId: string | null;
  phoneNumberId: string;
  /** The person's id: its smallest alias (`bsuid:…`, else `phone:…`). */
  personId: string;
  /** The identifier of `personId` as Meta writes it (the BSUID, else the phone). */
  customerId: string;
  /** Every alias of the person known when the conversation was last written, sorted. */
  aliases: string[];
  /** Latest profile name by (timestamp, wamid) of the messages that carried one. */
  profileName: string | null;
  profileNameAt: { timestamp: Date | null; wamid: string } | null;
  firstInboundAt: Date | null;
  lastInboundAt: Date | null;
  /** lastInboundAt + 24 h: until then free-form replies are allowed (WHATSAPP.md, 131047). */
  windowClosesAt: Date | null;
  counts: { inbound: number; outbound: number };
  _sys: {
    /** The highest log position folded into this document. */
    through: LogPosition;
  };
}

/** One input of the conversations fold: a message event and whether it is its message's first occurrence. */
export interface ConversationFact {
  at: LogPosition;
  wamid: string;
  tenantId: string | null;
  phoneNumberId: string;
  /** The person the message's alias belongs to, as the identity map knew it when the batch was written. */
  personId: string;
  aliases: string[];
  direction: OwnMessage['direction'];
  type: MessageContent['type'];
  timestamp: Date | null;
  profileName: string | null;
  /** The message document's `_sys.first` is this event's position: this event is the one that counts. */
  first: boolean;
}
