import type avsc from 'avsc';

/**
 * Avro contract of `whatsapp.events.v1`, version 1. Frozen once published: evolve by adding a
 * new schema file (fields added with a default), never by editing this one; readers resolve
 * older writers by fingerprint (see codec.ts).
 *
 * `kind` is a string, not an enum: adding an enum symbol breaks readers that lack it, while a
 * new string value only reaches the decoder's kind check (WABUS_EVENTS_UNKNOWN_KIND).
 */
export const WHATSAPP_EVENT_SCHEMA_V1: avsc.schema.RecordType = deepFreeze({
  type: 'record',
  name: 'WhatsAppEvent',
  namespace: 'wabus.events',
  doc: 'One item of a WhatsApp Cloud API webhook body, with its exact bytes.',
  fields: [
    { name: 'eventId', type: 'string', doc: 'hex sha256, stable across re-deliveries' },
    { name: 'kind', type: 'string', doc: 'message | status | message_echo | error | change' },
    { name: 'field', type: 'string' },
    { name: 'wabaId', type: 'string' },
    { name: 'phoneNumberId', type: ['null', 'string'], default: null },
    { name: 'displayPhoneNumber', type: ['null', 'string'], default: null },
    { name: 'customerId', type: ['null', 'string'], default: null },
    { name: 'itemId', type: ['null', 'string'], default: null },
    { name: 'itemType', type: ['null', 'string'], default: null },
    { name: 'metaTimestamp', type: ['null', 'long'], default: null, doc: 'Unix seconds' },
    { name: 'receivedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'deliveryId', type: 'string', doc: 'hex sha256 of the whole body' },
    {
      name: 'position',
      type: {
        type: 'record',
        name: 'EventPosition',
        fields: [
          { name: 'entry', type: 'int' },
          { name: 'change', type: 'int' },
          { name: 'item', type: 'int' },
        ],
      },
    },
    { name: 'key', type: 'string' },
    { name: 'contact', type: ['null', 'bytes'], default: null },
    { name: 'raw', type: 'bytes' },
  ],
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
