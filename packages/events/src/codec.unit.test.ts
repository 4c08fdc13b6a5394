import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type avsc from 'avsc';
import { createCodec, decodeEvent, encodeEvent } from './codec.ts';
import { EventsError } from './errors.ts';
import { fingerprintBytes, fingerprintHex, schemaFingerprint } from './fingerprint.ts';
import { WHATSAPP_EVENT_SCHEMA_V1 } from './schema-v1.ts';
import { WHATSAPP_EVENT_SCHEMA_V2 } from './schema-v2.ts';
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
  key: '106540352242922',
  contact: Buffer.from('{"wa_id":"16505551234"}'),
  raw: Buffer.from('{"id":"wamid.X","text":{"body":"caf\\u00e9"}}'),
  tenantId: 'acme',
  customerPhone: '16505551234',
  customerUserId: 'US.13491208655302741918',
  customerParentUserId: null,
  customerUsername: '@pablo',
};

// A future version = the current one plus one optional field, the only kind of change the topic accepts.
const SCHEMA_NEXT: avsc.schema.RecordType = {
  ...WHATSAPP_EVENT_SCHEMA_V2,
  fields: [...WHATSAPP_EVENT_SCHEMA_V2.fields, { name: 'traceparent', type: ['null', 'string'], default: null }],
};
type EventNext = WhatsAppEvent & { traceparent: string | null };

/** The fields version 1 had: what a v1 reader sees of an event. */
const V1_FIELDS = WHATSAPP_EVENT_SCHEMA_V1.fields.map((f) => f.name);
const asV1 = (e: WhatsAppEvent): Record<string, unknown> => Object.fromEntries(V1_FIELDS.map((k) => [k, e[k as keyof WhatsAppEvent]]));

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
    assert.deepEqual(buf.subarray(2, 10), fingerprintBytes(schemaFingerprint(WHATSAPP_EVENT_SCHEMA_V2)));
    assert.equal(createCodec().fingerprint, schemaFingerprint(WHATSAPP_EVENT_SCHEMA_V2));
  });

  it('rejects bytes without the magic header', () => {
    assertCode(() => decodeEvent(Buffer.from('{"not":"avro"}')), 'WABUS_EVENTS_BAD_MAGIC');
    assertCode(() => decodeEvent(Buffer.from([0xc3, 0x01, 0x00])), 'WABUS_EVENTS_BAD_MAGIC');
  });

  it('rejects an unknown writer fingerprint, naming it', () => {
    const buf = Buffer.from(encodeEvent(event));
    buf.writeBigUInt64LE(0x0123456789abcdefn, 2);
    assertCode(() => decodeEvent(buf), 'WABUS_EVENTS_UNKNOWN_SCHEMA', /0x0123456789abcdef/);
    // bytes of a future version are unknown to a codec that was not told about it
    const nextBytes = createCodec<EventNext>({ readerSchema: SCHEMA_NEXT }).encode({ ...event, traceparent: null });
    assertCode(() => decodeEvent(nextBytes), 'WABUS_EVENTS_UNKNOWN_SCHEMA', new RegExp(fingerprintHex(schemaFingerprint(SCHEMA_NEXT))));
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

  it('evolves forward: v2 bytes (tenant and user ids added) decode with a v1 reader that knows v2, the new fields dropped', () => {
    // given ingress on v2 and a consumer still reading v1 that knows the v2 schema
    const v1Reader = createCodec({ readerSchema: WHATSAPP_EVENT_SCHEMA_V1, knownWriterSchemas: [WHATSAPP_EVENT_SCHEMA_V2] });
    // when it decodes what ingress writes now
    const decoded = v1Reader.decode(encodeEvent(event)) as unknown as Record<string, unknown>;
    // then it sees exactly the v1 fields, unchanged
    assert.deepEqual(decoded, asV1(event));
  });

  it('evolves backward: v1 bytes decode with the v2 reader, the tenant null and the user ids read from the item bytes', () => {
    // given a record written before v2: a message from a phone with a BSUID and a username in its contact
    const old = {
      ...event,
      raw: Buffer.from('{"from":"16505551234","from_user_id":"US.13491208655302741918","id":"wamid.X","type":"text","text":{"body":"hi"}}'),
      contact: Buffer.from('{"profile":{"name":"Pablo","username":"@pablo"},"wa_id":"16505551234","user_id":"US.13491208655302741918"}'),
    };
    const v1Bytes = createCodec({ readerSchema: WHATSAPP_EVENT_SCHEMA_V1 }).encode(asV1(old) as unknown as WhatsAppEvent);
    // when today's codec decodes it
    const decoded = decodeEvent(v1Bytes);
    // then it has the v2 shape, with the identifiers a v2 record of the same item carries
    assert.deepEqual(decoded, {
      ...old,
      tenantId: null,
      customerPhone: '16505551234',
      customerUserId: 'US.13491208655302741918',
      customerParentUserId: null,
      customerUsername: '@pablo',
    });
  });

  it('evolves again: bytes of a later version with one more optional field decode with this reader once it knows it', () => {
    const producer = createCodec<EventNext>({ readerSchema: SCHEMA_NEXT });
    const consumer = createCodec({ knownWriterSchemas: [SCHEMA_NEXT] });
    assert.deepEqual(consumer.decode(producer.encode({ ...event, traceparent: '00-abc-def-01' })), event);
    assert.deepEqual(createCodec<EventNext>({ readerSchema: SCHEMA_NEXT }).decode(encodeEvent(event)), { ...event, traceparent: null });
  });

  it('refuses at creation a writer the reader cannot resolve', () => {
    const incompatible: avsc.schema.RecordType = {
      ...WHATSAPP_EVENT_SCHEMA_V1,
      fields: [...WHATSAPP_EVENT_SCHEMA_V1.fields, { name: 'tenant', type: 'string' }],
    };
    assertCode(() => createCodec({ readerSchema: incompatible }), 'WABUS_EVENTS_INCOMPATIBLE_SCHEMA');
  });
});
