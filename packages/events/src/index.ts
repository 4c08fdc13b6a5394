export { eventKey, explodeWebhook } from './explode.ts';
export { eventRecord, RECORD_HEADERS } from './event-records.ts';
export type { EventRecord } from './event-records.ts';
export type { ExplodeFailureReason, ExplodeOptions, ExplodeResult } from './explode.ts';
export { EVENT_KINDS, isEventKind } from './whatsapp-event.ts';
export type { EventKind, EventPosition, WhatsAppEvent } from './whatsapp-event.ts';
export { computeEventId, EVENT_ID_VERSION } from './event-id.ts';

export { createCodec, decodeEvent, encodeEvent, SINGLE_OBJECT_MAGIC } from './codec.ts';
export type { CodecOptions, EventCodec } from './codec.ts';
export { WHATSAPP_EVENT_SCHEMA_V1 } from './schema-v1.ts';
export { WHATSAPP_EVENT_SCHEMA_V2, WHATSAPP_EVENT_SCHEMA_VERSION } from './schema-v2.ts';
export { customerIdentity, DIGITS_ID, isBusinessScopedId, NO_IDENTITY } from './customer-identity.ts';
export type { CustomerIdentity } from './customer-identity.ts';
export { deriveIdentity } from './derive-identity.ts';
export { aliasValue, bsuidAlias, isPhoneAlias, personAliases, personIdOf, phoneAlias } from './person-aliases.ts';
export type { Alias } from './person-aliases.ts';
export { canonicalForm, fingerprintBytes, fingerprintHex, rabinFingerprint64, schemaFingerprint } from './fingerprint.ts';

export { parseItem } from './parse-item.ts';
export { KNOWN_STATUSES } from './parsed-item.ts';
export type * from './parsed-item.ts';

export { parseJsonSpans } from './json-spans.ts';
export { getMember } from './json-node.ts';
export type { ParseJsonOptions } from './json-spans.ts';
export type { JsonArray, JsonBoolean, JsonMember, JsonNode, JsonNull, JsonNumber, JsonObject, JsonString } from './json-node.ts';
export { minify } from './json-minify.ts';
export { parseJsonValue, toJsonValue } from './json-value.ts';
export type { JsonValue } from './json-value.ts';

export { EventsError, InvalidJsonError, UnknownSchemaError } from './errors.ts';
export type { EventsErrorCode } from './errors.ts';
export { createChunkAssembler, splitIntoChunks, WIDEST_CHUNK_HEADERS } from './raw-chunks.ts';
export type { AssembledRecord, RawRecord } from './raw-chunks.ts';
export { readSendEvent, SEND_STATES, SENDS_TOPIC } from './send-event.ts';
export type { ReadSendEvent, SendEvent, SendState } from './send-event.ts';
