import type { StateDocument } from '@wabus/projection';

/** Delivery steps in rank order: a message only ever moves up this list (WHATSAPP.md, Statuses). */
export const DELIVERY_STEPS = ['sent', 'delivered', 'read', 'played'] as const;
export type DeliveryStep = (typeof DELIVERY_STEPS)[number];
/** What `status` can be: a delivery step, or `failed`, the separate terminal outcome. */
export const TRACKED_STATUSES = [...DELIVERY_STEPS, 'failed'] as const;
export type TrackedStatus = (typeof TRACKED_STATUSES)[number];

export interface StatusError {
  code: number | null;
  title: string | null;
  message: string | null;
  details: string | null;
  href: string | null;
}

/** One distinct (status, timestamp, group participant) fact, with the errors it carried. */
export interface HistoryEntry {
  /** As sent by Meta, unknown values included; null when the item had none. */
  status: string | null;
  timestamp: number | null;
  /** The group participant the status is about (recipient_participant_id, else its user id); null otherwise. */
  participant: string | null;
  errors: StatusError[];
}

/** Which status the pricing or conversation info came with: it is kept from the latest by (timestamp, rank). */
export interface AsOf {
  status: string | null;
  timestamp: number | null;
}

export interface PricingInfo {
  billable: boolean | null;
  pricingModel: string | null;
  category: string | null;
  type: string | null;
  asOf: AsOf;
}

export interface ConversationInfo {
  id: string | null;
  expirationTimestamp: number | null;
  originType: string | null;
  asOf: AsOf;
}

export interface Recipient {
  id: string | null;
  userId: string | null;
  type: string | null;
  participantIds: string[];
  participantUserIds: string[];
}

/**
 * The send that caused the message (services/sender's `whatsapp.sends.v1` event, joined by wamid). `traceparent`
 * names the send's span: status handling links to it (docs/consumers/status-tracker.md, "Sends").
 */
export interface SendLink {
  sendId: string;
  tenantId: string;
  phoneNumberId: string;
  type: string;
  /** When the sender recorded the outcome (ISO). */
  at: string;
  traceparent: string | null;
}

/**
 * One outbound message (`_id` = wamid). Every field is a deterministic function of the SET of status facts seen
 * for it: no counters, no arrival times. Times are Meta's, unix seconds.
 */
export interface StatusDocument extends StateDocument {
  _id: string;
  phoneNumberId: string | null;
  /**
   * The tenant owning the business number (docs/tenants.md); null when no fact carried one (records from before
   * tenants). A message's statuses all name one tenant; were two ever seen, the least id is kept, whatever the order.
   */
  tenantId: string | null;
  /**
   * The send of this wamid, once its event was read (null before, and for messages not sent through the sender). A
   * document may hold a send and no status yet: then everything below is empty. Were two sends ever seen for one
   * wamid, the least sendId is kept, whatever the order.
   */
  send: SendLink | null;
  /** `failed` once any failure was seen, else the highest delivery step seen; null when only unknown statuses. */
  status: TrackedStatus | null;
  /** The highest delivery step seen, whether or not the message also failed. */
  progress: DeliveryStep | null;
  /** Earliest timestamp of each status seen (keys in rank order, present only when seen with a timestamp). */
  firstSeen: Partial<Record<TrackedStatus, number>>;
  sentAt: number | null;
  deliveredAt: number | null;
  readAt: number | null;
  /** Earliest timestamp of any status of this message: the time range queries select on. */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  recipient: Recipient;
  pricing: PricingInfo | null;
  conversation: ConversationInfo | null;
  bizOpaqueCallbackData: string | null;
  /** Errors of the failure(s), distinct, sorted by code. */
  errors: StatusError[];
  /** Distinct facts sorted by (timestamp, rank, status, participant). */
  history: HistoryEntry[];
}
