import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type avsc from 'avsc';
import { createCodec, decodeEvent, encodeEvent } from './codec.ts';
import { EventsError } from './errors.ts';
import { fingerprintBytes, fingerprintHex, schemaFingerprint } from './fingerprint.ts';
import { WHATSAPP_EVENT_SCHEMA_V1 } from './schema-v1.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

const event: WhatsAppEvent = {
  eventId: 'a'.repeat(64),
  kind: 'message',
  field: 'messages',
  wabaId: '102290129340398',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  customerId: '16505551234',
  itemId: 'wamid.X',
  itemType: 'text',
  metaTimestamp: 1749854575,
  receivedAt: 1749854576123,
  deliveryId: 'b'.repeat(64),
  position: { entry: 0, change: 1, item: 2 },
  key: '106540352242922:16505551234',
  contact: Buffer.from('{"wa_id":"16505551234"}'),
  raw: Buffer.from('{"id":"wamid.X","text":{"body":"caf\\u00e9"}}'),
};

// v2 = v1 plus one optional field, the only kind of change the topic accepts.
const SCHEMA_V2: avsc.schema.RecordType = {
  ...WHATSAPP_EVENT_SCHEMA_V1,
  fields: [...WHATSAPP_EVENT_SCHEMA_V1.fields, { name: 'traceparent', type: ['null', 'string'], default: null }],
};
type EventV2 = WhatsAppEvent & { traceparent: string | null };

function assertCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EventsError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('event codec', () => {
  it('round-trips an event, bytes fields included', () => {
    assert.deepEqual(decodeEvent(encodeEvent(event)), event);
    const minimal = { ...event, phoneNumberId: null, displayPhoneNumber: null, customerId: null, itemId: null };
    assert.deepEqual(decodeEvent(encodeEvent({ ...minimal, itemType: null, metaTimestamp: null, contact: null })), {
      ...minimal,
      itemType: null,
      metaTimestamp: null,
      contact: null,
    });
  });

  it('frames with Avro single-object encoding: C3 01, fingerprint LE, body', () => {
    const buf = encodeEvent(event);
    assert.deepEqual([...buf.subarray(0, 2)], [0xc3, 0x01]);
    assert.deepEqual(buf.subarray(2, 10), fingerprintBytes(schemaFingerprint(WHATSAPP_EVENT_SCHEMA_V1)));
    assert.equal(createCodec().fingerprint, schemaFingerprint(WHATSAPP_EVENT_SCHEMA_V1));
  });

  it('rejects bytes without the magic header', () => {
    assertCode(() => decodeEvent(Buffer.from('{"not":"avro"}')), 'WABUS_EVENTS_BAD_MAGIC');
    assertCode(() => decodeEvent(Buffer.from([0xc3, 0x01, 0x00])), 'WABUS_EVENTS_BAD_MAGIC');
  });

  it('rejects an unknown writer fingerprint, naming it', () => {
    const buf = Buffer.from(encodeEvent(event));
    buf.writeBigUInt64LE(0x0123456789abcdefn, 2);
    assertCode(() => decodeEvent(buf), 'WABUS_EVENTS_UNKNOWN_SCHEMA', /0x0123456789abcdef/);
    // v2 bytes are unknown to a codec that was not told about v2
    const v2Bytes = createCodec<EventV2>({ readerSchema: SCHEMA_V2 }).encode({ ...event, traceparent: null });
    assertCode(() => decodeEvent(v2Bytes), 'WABUS_EVENTS_UNKNOWN_SCHEMA', new RegExp(fingerprintHex(schemaFingerprint(SCHEMA_V2))));
  });

  it('reports truncated or trailing bodies as decode failures', () => {
    const buf = encodeEvent(event);
    assertCode(() => decodeEvent(buf.subarray(0, buf.length - 5)), 'WABUS_EVENTS_DECODE_FAILED');
    assertCode(() => decodeEvent(Buffer.concat([buf, Buffer.from([0])])), 'WABUS_EVENTS_DECODE_FAILED');
  });

  it('rejects an event kind this version does not know', () => {
    const future = { ...event, kind: 'reaction_summary' } as unknown as WhatsAppEvent;
    assertCode(() => decodeEvent(encodeEvent(future)), 'WABUS_EVENTS_UNKNOWN_KIND', /reaction_summary/);
  });

  it('wraps values the schema cannot hold as encode failures', () => {
    const broken = { ...event, raw: undefined } as unknown as WhatsAppEvent;
    assertCode(() => encodeEvent(broken), 'WABUS_EVENTS_ENCODE_FAILED');
  });

  it('evolves forward: v2-written bytes (added optional field) decode with the v1 reader', () => {
    // given a producer already on v2 and a consumer still on v1 that knows the v2 schema
    const producer = createCodec<EventV2>({ readerSchema: SCHEMA_V2 });
    const consumer = createCodec({ knownWriterSchemas: [SCHEMA_V2] });
    // when the consumer decodes v2 bytes
    const decoded = consumer.decode(producer.encode({ ...event, traceparent: '00-abc-def-01' }));
    // then it sees the v1 shape, the new field dropped
    assert.deepEqual(decoded, event);
  });

  it('evolves backward: v1-written bytes decode with a v2 reader, the new field defaulted', () => {
    // given a consumer on v2 and bytes written by v1 (v1 is always a known writer)
    const consumer = createCodec<EventV2>({ readerSchema: SCHEMA_V2 });
    // when it decodes them
    const decoded = consumer.decode(encodeEvent(event));
    // then the added field takes its default
    assert.deepEqual(decoded, { ...event, traceparent: null });
  });

  it('refuses at creation a writer the reader cannot resolve', () => {
    const incompatible: avsc.schema.RecordType = {
      ...WHATSAPP_EVENT_SCHEMA_V1,
      fields: [...WHATSAPP_EVENT_SCHEMA_V1.fields, { name: 'tenant', type: 'string' }],
    };
    assertCode(() => createCodec({ readerSchema: incompatible }), 'WABUS_EVENTS_INCOMPATIBLE_SCHEMA');
  });
});
