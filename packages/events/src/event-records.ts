import type { WhatsAppEvent } from './whatsapp-event.ts';

/** Header names the records of wabus carry; consumers and tooling read these without decoding the value. */
export const RECORD_HEADERS = {
  deliveryId: 'wabus-delivery-id',
  receivedAt: 'wabus-received-at',
  secret: 'wabus-secret',
  disposition: 'wabus-disposition',
  quarantineReason: 'wabus-quarantine-reason',
  items: 'wabus-items',
  eventId: 'wabus-event-id',
  kind: 'wabus-kind',
  /** On records written by `wabus replay rederive`: the re-derivation's id. */
  rederived: 'wabus-rederived',
  /** The tenant owning the record's business number (docs/tenants.md); on raw records, the tenants of its items. */
  tenant: 'wabus-tenant',
  /**
   * On a raw record holding a piece of a body the raw topic could not take whole (docs/limits.md): `<i>/<n>`, 1-based.
   * Every piece has the body's headers and key (its delivery id: one partition, in order).
   */
  chunk: 'wabus-chunk',
  /** With `chunk`: the whole body's length in bytes. */
  bodyBytes: 'wabus-body-bytes',
} as const;

export interface EventRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** Ingress' receipt time (epoch ms, as a string), so time-based replays find the record where its webhook is. */
  timestamp: string;
}

/**
 * The `whatsapp.events.v1` record of one event, exactly as ingress appends it, and as `wabus replay rederive`
 * re-creates it from the raw topic: same key, same value bytes, same headers, same timestamp.
 */
export function eventRecord(event: WhatsAppEvent, deliveryId: string, receivedAt: number, encode: (e: WhatsAppEvent) => Buffer): EventRecord {
  return {
    key: event.key,
    value: encode(event),
    headers:
      event.tenantId === null
        ? { [RECORD_HEADERS.eventId]: event.eventId, [RECORD_HEADERS.kind]: event.kind, [RECORD_HEADERS.deliveryId]: deliveryId }
        : {
            [RECORD_HEADERS.eventId]: event.eventId,
            [RECORD_HEADERS.kind]: event.kind,
            [RECORD_HEADERS.deliveryId]: deliveryId,
            [RECORD_HEADERS.tenant]: event.tenantId,
          },
    timestamp: String(receivedAt),
  };
}
