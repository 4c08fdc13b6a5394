export const EVENT_KINDS = ['message', 'status', 'message_echo', 'error', 'change'] as const;

/**
 * message / status / message_echo / error: one element of a change's `messages[]`, `statuses[]`,
 * `message_echoes[]` or value-level `errors[]`. change: a whole change that carries none of those
 * (account_update, templates, user_preferences, calls, history, fields not invented yet...).
 */
export type EventKind = (typeof EVENT_KINDS)[number];

export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && (EVENT_KINDS as readonly string[]).includes(value);
}

export interface EventPosition {
  /** Index in `entry[]`. */
  entry: number;
  /** Index in that entry's `changes[]`. */
  change: number;
  /** Index in the item array (`messages[]`, ...); 0 for kind `change`. */
  item: number;
}

/**
 * One item of a webhook body, routed but not interpreted: the unit published to
 * `whatsapp.events.v1`. Typed reading of `raw` is `parseItem`'s job.
 */
export interface WhatsAppEvent {
  /** Hex sha256, identical for the same item however it is batched or re-delivered (see event-id.ts). */
  eventId: string;
  kind: EventKind;
  /** The change's `field` (`messages`, `account_update`, ...). */
  field: string;
  /** `entry[].id`. */
  wabaId: string;
  /** `value.metadata.phone_number_id`: the business number. */
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  /** The WhatsApp user this item is about (wa_id, else business-scoped user id). */
  customerId: string | null;
  /** Message / status / echo `id`, a call's `id`. */
  itemId: string | null;
  /** Message `type`, status `status`, error `code`, or the `field` of a change. */
  itemType: string | null;
  /** Meta's time of the item in Unix seconds. */
  metaTimestamp: number | null;
  /** When ingress received the body, epoch milliseconds. */
  receivedAt: number;
  /** Hex sha256 of the whole body as received. */
  deliveryId: string;
  position: EventPosition;
  /**
   * Kafka key: the business number (`phoneNumberId`), else the WABA id. Never the user: one person may come with a
   * phone, a BSUID or both, and must keep one key and one partition whatever a body carries (docs/identity.md).
   */
  key: string;
  /** Exact bytes of the matching `contacts[]` element. */
  contact: Buffer | null;
  /** Exact bytes of the item as received (for kind `change`: the change's `value`). */
  raw: Buffer;
  /** The tenant owning the WABA and business number (docs/tenants.md); null when ingress had no tenants file (v1). */
  tenantId: string | null;
  /** The user's phone number (wa_id) when the body carries one (Meta omits it for some username users). */
  customerPhone: string | null;
  /** The user's business-scoped user id (BSUID, `CC.<alphanumeric>`), when the body carries one. */
  customerUserId: string | null;
  /** The user's parent BSUID (`CC.ENT.<alphanumeric>`, managed businesses only). */
  customerParentUserId: string | null;
  /** The user's username (an attribute that can change, never an identifier). */
  customerUsername: string | null;
}
