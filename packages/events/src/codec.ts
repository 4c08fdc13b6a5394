import avsc from 'avsc';
import { EventsError, UnknownSchemaError } from './errors.ts';
import { fingerprintBytes, fingerprintHex, schemaFingerprint } from './fingerprint.ts';
import { deriveIdentity } from './derive-identity.ts';
import { WHATSAPP_EVENT_SCHEMA_V1 } from './schema-v1.ts';
import { WHATSAPP_EVENT_SCHEMA_V2 } from './schema-v2.ts';
import { isEventKind } from './whatsapp-event.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

/**
 * Wire framing: Avro single-object encoding (Avro spec, "Single-object encoding"):
 * `0xC3 0x01`, the writer schema's CRC-64-AVRO fingerprint (8 bytes, little-endian), then the
 * Avro binary body. The fingerprint lets a reader pick the writer schema without a registry
 * service; readers keep every published version in `knownWriterSchemas`.
 */
export const SINGLE_OBJECT_MAGIC = Buffer.from([0xc3, 0x01]);
const HEADER_LENGTH = 10;

export interface CodecOptions {
  /** The schema this codec reads into and writes with. Default: the current version (v2). */
  readerSchema?: avsc.Schema;
  /** Writer schemas accepted on decode besides `readerSchema` (every published version is always known). */
  knownWriterSchemas?: readonly avsc.Schema[];
}

export interface EventCodec<T extends WhatsAppEvent = WhatsAppEvent> {
  /** The fingerprint written by `encode`. */
  fingerprint: bigint;
  encode(event: T): Buffer;
  /** Bytes fields (`raw`, `contact`) are views into `buf`. */
  decode(buf: Buffer): T;
}

interface WriterEntry {
  writer: avsc.Type;
  /** Undefined when writer and reader share a canonical form (no resolution needed). */
  resolver: avsc.Resolver | undefined;
  /** The writer had no identity fields and the reader has: derive them from the item's bytes (derive-identity.ts). */
  deriveIdentity: boolean;
}

/** Every version published on the topic, oldest first: a codec can always read them. */
const PUBLISHED_SCHEMAS: readonly avsc.Schema[] = [WHATSAPP_EVENT_SCHEMA_V1, WHATSAPP_EVENT_SCHEMA_V2];

const hasField = (schema: avsc.Schema, name: string): boolean =>
  typeof schema === 'object' && schema !== null && 'fields' in schema && (schema as avsc.schema.RecordType).fields.some((f) => f.name === name);

export function createCodec<T extends WhatsAppEvent = WhatsAppEvent>(options: CodecOptions = {}): EventCodec<T> {
  const readerSchema = options.readerSchema ?? WHATSAPP_EVENT_SCHEMA_V2;
  const readsIdentity = hasField(readerSchema, 'customerUserId');
  const reader = forSchema(readerSchema);
  const readerFingerprint = schemaFingerprint(readerSchema);
  const header = Buffer.concat([SINGLE_OBJECT_MAGIC, fingerprintBytes(readerFingerprint)]);

  // Resolvers are built once here, so an incompatible writer fails at start-up, not mid-stream.
  const writers = new Map<bigint, WriterEntry>([[readerFingerprint, { writer: reader, resolver: undefined, deriveIdentity: false }]]);
  for (const schema of [...PUBLISHED_SCHEMAS, ...(options.knownWriterSchemas ?? [])]) {
    const fp = schemaFingerprint(schema);
    if (writers.has(fp)) continue;
    const writer = forSchema(schema);
    let resolver: avsc.Resolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (cause) {
      throw new EventsError('WABUS_EVENTS_INCOMPATIBLE_SCHEMA', {
        message: `writer schema 0x${fingerprintHex(fp)} cannot be read with reader schema 0x${fingerprintHex(readerFingerprint)}`,
        cause,
      });
    }
    writers.set(fp, { writer, resolver, deriveIdentity: readsIdentity && !hasField(schema, 'customerUserId') });
  }

  return {
    fingerprint: readerFingerprint,
    encode(event) {
      let body: Buffer;
      try {
        body = reader.toBuffer(event);
      } catch (cause) {
        throw new EventsError('WABUS_EVENTS_ENCODE_FAILED', { message: `cannot encode event ${String(event.eventId)}`, cause });
      }
      return Buffer.concat([header, body], HEADER_LENGTH + body.length);
    },
    decode(buf) {
      if (buf.length < HEADER_LENGTH || buf[0] !== SINGLE_OBJECT_MAGIC[0] || buf[1] !== SINGLE_OBJECT_MAGIC[1]) {
        throw new EventsError('WABUS_EVENTS_BAD_MAGIC');
      }
      const fp = buf.readBigUInt64LE(2);
      const entry = writers.get(fp);
      if (entry === undefined) throw new UnknownSchemaError(fingerprintHex(fp));
      let value: T;
      try {
        value = toPlain(reader.fromBuffer(buf.subarray(HEADER_LENGTH), entry.resolver)) as T;
      } catch (cause) {
        throw new EventsError('WABUS_EVENTS_DECODE_FAILED', { message: `cannot decode body written with 0x${fingerprintHex(fp)}`, cause });
      }
      if (!isEventKind(value.kind)) {
        throw new EventsError('WABUS_EVENTS_UNKNOWN_KIND', { message: `unknown event kind ${JSON.stringify(value.kind)} (newer producer?)` });
      }
      if (entry.deriveIdentity) {
        const id = deriveIdentity(value);
        Object.assign(value, { customerPhone: id.phone, customerUserId: id.userId, customerParentUserId: id.parentUserId, customerUsername: id.username });
      }
      return value;
    },
  };
}

function forSchema(schema: avsc.Schema): avsc.Type {
  // Plain objects out (no record classes with methods); unions of null + one type unwrapped.
  return avsc.Type.forSchema(schema, { omitRecordMethods: true, wrapUnions: false });
}

/** avsc builds records as instances of generated classes; consumers and tests want plain objects. */
function toPlain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
  return out;
}

const defaultCodec = createCodec();

/** Encodes with the current schema (v2). */
export function encodeEvent(event: WhatsAppEvent): Buffer {
  return defaultCodec.encode(event);
}

/** Decodes any known writer version into the current shape. */
export function decodeEvent(buf: Buffer): WhatsAppEvent {
  return defaultCodec.decode(buf);
}
