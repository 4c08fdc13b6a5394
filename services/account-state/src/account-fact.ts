/** A value kept from an event: strings are bounded (value-read.ts), numbers finite, nothing nested. */
export type Scalar = string | number | null;

/** What an event says beyond its main value, as flat scalars under fixed keys (per field, always the same keys). */
export type Detail = Readonly<Record<string, Scalar>>;

/**
 * One account-level event as an entity keeps it: in its history (once per event id) and, when it is the latest of
 * its aspect by Meta's time, in its current state. Nothing delivery-specific (receivedAt, deliveryId, position): a
 * Meta retry or a replay of the same change is the same entry.
 */
export interface HistoryEntry {
  /** The event id (packages/events: stable across Meta's retries and re-batching): what history is deduplicated by. */
  eventId: string;
  /** The change's `field`. */
  field: string;
  /** Meta's time of the change (`entry.time`), Unix seconds; null when the body had none (ordered first). */
  timestamp: number | null;
  /** `entry.id`: the WABA the change came from. */
  wabaId: string;
  /** The part of the entity's state this event sets (`status`, `quality`, ...); null: kept in history only. */
  aspect: string | null;
  /** Its main value: a template's status event, a number's quality event, a ban state... */
  value: string | null;
  detail: Detail;
}

export type EntityKind = 'waba' | 'phoneNumber' | 'template';

/** An event's entry filed under one entity. */
export interface EntryFact<K extends EntityKind, Keys> {
  entity: K;
  /** The entity's document id. */
  id: string;
  /** The tenant owning the WABA (events v2, docs/tenants.md); null for records from before tenants. */
  tenantId: string | null;
  /** What identifies the entity besides its id (fixed per entity). */
  keys: Keys;
  entry: HistoryEntry;
}

export type WabaFact = EntryFact<'waba', Record<string, never>>;
export type TemplateFact = EntryFact<'template', { wabaId: string; name: string; language: string }>;

/** Which Meta number id and WABA a business number's display number belongs to, from any event with `metadata`. */
export interface NumberIdentity {
  phoneNumberId: string;
  wabaId: string;
  /** Meta's time of the event that showed it. */
  timestamp: number | null;
}

export type PhoneNumberFact =
  | (EntryFact<'phoneNumber', Record<string, never>> & { kind: 'entry' })
  | { entity: 'phoneNumber'; kind: 'identity'; id: string; tenantId: string | null; identity: NumberIdentity };

export type AccountFact = WabaFact | TemplateFact | PhoneNumberFact;
