import { contentHash, type StateDocument } from '@wabus/projection';
import { DEFAULT_TENANT } from '@wabus/tenants';

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
  /**
   * The contact's id in the CRM, one per person of a tenant: the value of the person's id (its smallest alias,
   * docs/identity.md), prefixed with `<tenant>:` for every tenant but `default`. It changes when a body shows two
   * contacts to be one person; the absorbed contact is then removed from the CRM (merge-contacts.ts).
   */
  id: string;
  /** The tenant whose customer this is (contacts of two tenants are never merged). */
  tenantId: string;
  /** Every id the person is known by (`phone:…`, `bsuid:…`, `parent:…`), sorted. */
  aliases: string[];
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
  /**
   * Set when the contact was found to be part of another one (the survivor's id): its state is joined into the
   * survivor's, it is never synced again, and `removedFromCrm` says whether the CRM's copy was deleted yet.
   */
  mergedInto?: string;
  removedFromCrm?: boolean;
}

export const emptyContact = (id: string, tenantId: string = DEFAULT_TENANT): ContactState => ({
  id,
  tenantId,
  aliases: [],
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
