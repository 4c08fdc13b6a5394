import { contentHash, type StateDocument } from '@wabus/dedup';

/** Activity of one conversation: the contact with one business number. Times are Meta's, unix seconds. */
export interface ConversationActivity {
  phoneNumberId: string;
  /** Latest inbound message. */
  lastInboundAt: number | null;
  /** Latest message echo (sent from the Business app) or `sent` status (sent through the API). */
  lastOutboundAt: number | null;
  /** Distinct inbound message ids seen (exact: counted from the message ledger, see message-ledger.ts). */
  inboundMessages: number;
  /** Distinct outbound message ids seen in echoes and statuses. */
  outboundMessages: number;
}

export interface InboundSummary {
  id: string;
  /** Message `type` as sent (`text`, `image`, `interactive`, ... or an unknown one). */
  type: string;
  /** A short text preview (at most 80 characters); empty when the message has no text. */
  preview: string;
  at: number;
}

/**
 * What the CRM should hold about one WhatsApp user: the upsert body, whole (last write wins on the CRM side).
 * Every field is a join (min, max, or latest by a total order) of the facts seen, so the state only ever grows:
 * any order and any number of repeats of the same facts give the same bytes, and a state, once left, never comes
 * back (which is what makes `hash(id, state)` a safe idempotency key).
 */
export interface ContactState {
  /** The customer id: wa_id, else the business-scoped user id. */
  id: string;
  /** Phone number (wa_id) when known. */
  waId: string | null;
  /** Business-scoped user id when known. */
  userId: string | null;
  profileName: string | null;
  profileNameAt: number | null;
  /** Earliest and latest Meta time of any event about the contact. */
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  lastInboundMessage: InboundSummary | null;
  /** From `user_preferences` (category `marketing_messages`): stop → true, resume → false; null: never said. */
  marketingOptOut: boolean | null;
  marketingOptOutAt: number | null;
  /** Sorted by phoneNumberId. */
  conversations: ConversationActivity[];
}

/** The stored document: the desired state, and what the CRM last acknowledged. */
export interface ContactDocument extends StateDocument {
  _id: string;
  state: ContactState;
  /** contentHash(state). */
  stateHash: string;
  /** The state hash the CRM last acknowledged, and when. */
  synced: { hash: string; at: Date } | null;
  /** stateHash !== synced.hash: the CRM does not hold this state (yet). */
  unsynced: boolean;
  /** The CRM's permanent refusal of a state (status and answer), when the last attempt was refused. */
  rejected: { hash: string; status: number; response: string; at: Date } | null;
}

export const emptyContact = (id: string): ContactState => ({
  id,
  waId: null,
  userId: null,
  profileName: null,
  profileNameAt: null,
  firstSeenAt: null,
  lastSeenAt: null,
  lastInboundMessage: null,
  marketingOptOut: null,
  marketingOptOutAt: null,
  conversations: [],
});

/** The content hash of a state: what `stateHash`, `synced.hash` and the idempotency key are made of. */
export const stateHashOf = (state: ContactState): string => contentHash(state as unknown as Record<string, unknown>);
