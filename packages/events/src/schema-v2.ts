import type avsc from 'avsc';
import { WHATSAPP_EVENT_SCHEMA_V1 } from './schema-v1.ts';

/**
 * Avro contract of `whatsapp.events.v1`, version 2: version 1 plus the tenant and every identifier of the user the
 * item is about (docs/identity.md, docs/tenants.md). Only optional fields with a null default are added, at the end:
 * a v1 reader that knows this schema reads v2 bytes (the new fields dropped), a v2 reader reads v1 bytes (the new
 * fields null; the codec then derives the identifiers from the item's own bytes, so they never depend on which
 * version wrote the record). Frozen once published, like v1.
 */
export const WHATSAPP_EVENT_SCHEMA_V2: avsc.schema.RecordType = deepFreeze({
  ...WHATSAPP_EVENT_SCHEMA_V1,
  doc: 'One item of a WhatsApp Cloud API webhook body, with its exact bytes, its tenant and its user identifiers.',
  fields: [
    ...WHATSAPP_EVENT_SCHEMA_V1.fields,
    { name: 'tenantId', type: ['null', 'string'], default: null, doc: 'the tenant owning the WABA and business number' },
    { name: 'customerPhone', type: ['null', 'string'], default: null, doc: "the user's phone number (wa_id), when the body has one" },
    { name: 'customerUserId', type: ['null', 'string'], default: null, doc: "the user's business-scoped user id (BSUID)" },
    { name: 'customerParentUserId', type: ['null', 'string'], default: null, doc: "the user's parent BSUID (managed businesses)" },
    { name: 'customerUsername', type: ['null', 'string'], default: null, doc: "the user's WhatsApp username (an attribute, not an id)" },
  ],
});

export const WHATSAPP_EVENT_SCHEMA_VERSION = 2;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
