import type { KindName } from './kinds.ts';
import type { MetaJson } from './meta-json.ts';
import type { BusinessNumber } from './world.ts';

/** The kinds of item an ingester explodes a body into (same names as `@wabus/events` EventKind). */
export type ItemKind = 'message' | 'status' | 'message_echo' | 'error' | 'change';

/** The array of a change's `value` an item sits in; null for a whole-change (account-level) item. */
export type ItemArray = 'messages' | 'statuses' | 'message_echoes' | 'errors';

export type JsonObject = { [key: string]: MetaJson | undefined };

/** What a correct ingester must produce for one item of a body, in body order. */
export interface ExpectedItem {
  kind: ItemKind;
  /** Message / status / echo `id`; null for value-level errors and whole changes. */
  id: string | null;
  field: string;
  phoneNumberId: string | null;
  /** wa_id (`from`, `recipient_id`, `to`) when present, else the business-scoped user id; null when not about a user. */
  customerId: string | null;
  /** Message `type`, status `status`, error `code`, or for a change its `field`. */
  itemType: string | null;
}

/** One generated item before it is placed in a body. */
export interface GeneratedItem {
  simKind: KindName;
  kind: ItemKind;
  field: string;
  wabaId: string;
  /** The business number in `value.metadata`; null for account-level changes without metadata. */
  business: BusinessNumber | null;
  array: ItemArray | null;
  /** The `contacts[]` element this item brings into its change, if any. */
  contact: JsonObject | null;
  /** The array element, or for kind `change` the whole `value`. */
  payload: JsonObject;
  id: string | null;
  customerId: string | null;
  itemType: string | null;
  /** `entry.time` (integer seconds) for account-level changes; null otherwise. */
  time: number | null;
}

export const toExpectedItem = (item: GeneratedItem): ExpectedItem => ({
  kind: item.kind,
  id: item.id,
  field: item.field,
  phoneNumberId: item.business?.phoneNumberId ?? null,
  customerId: item.customerId,
  itemType: item.itemType,
});
