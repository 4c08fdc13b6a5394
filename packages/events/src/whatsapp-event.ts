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
  /** Kafka key: `<phoneNumberId>:<customerId>`, else `<phoneNumberId>`, else the WABA id. */
  key: string;
  /** Exact bytes of the matching `contacts[]` element. */
  contact: Buffer | null;
  /** Exact bytes of the item as received (for kind `change`: the change's `value`). */
  raw: Buffer;
}
