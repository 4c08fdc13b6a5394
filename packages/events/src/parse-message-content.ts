import { arrayAt, asObject, booleanAt, idAt, numberAt, objectAt, stringAt } from './json-read.ts';
import { getMember } from './json-node.ts';
import { parseJsonSpans } from './json-spans.ts';
import type { JsonNode, JsonObject } from './json-node.ts';
import { toJsonValue } from './json-value.ts';
import type { JsonValue } from './json-value.ts';
import type { ContactCard, InteractiveReply, Location, Media, MessageContent, Order, SystemUpdate } from './parsed-item.ts';

type Obj = JsonObject | null;

/**
 * Message types that carry their content under a key of the same name (WHATSAPP.md "Inbound
 * message types"). Used to dispatch, and to infer the type when `type` is missing.
 */
const CONTENT_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'revoke',
  'edit',
  'unsupported',
] as const;
type ContentType = (typeof CONTENT_TYPES)[number];

function isContentType(value: string): value is ContentType {
  return (CONTENT_TYPES as readonly string[]).includes(value);
}

/**
 * The content of a message object (inbound, echo, or the new version inside an `edit`).
 * `type` decides; when it is missing, the first known content key present decides.
 * `raw` is the buffer the nodes' offsets point into; `unknown` keeps the object's exact text.
 */
export function parseMessageContent(msg: Obj, raw: Buffer): MessageContent {
  const declared = stringAt(msg, 'type');
  const type = declared ?? CONTENT_TYPES.find((t) => getMember(msg, t) !== undefined) ?? null;
  if (type === null || !isContentType(type)) return { type: 'unknown', unknown: { type, raw: textOf(msg, raw) } };
  const body = objectAt(msg, type);
  switch (type) {
    case 'text':
      return { type, text: { body: stringAt(body, 'body') } };
    case 'image':
      return { type, image: parseMedia(body) };
    case 'video':
      return { type, video: parseMedia(body) };
    case 'audio':
      return { type, audio: parseMedia(body) };
    case 'document':
      return { type, document: parseMedia(body) };
    case 'sticker':
      return { type, sticker: parseMedia(body) };
    case 'location':
      return { type, location: parseLocation(body) };
    case 'contacts':
      return { type, contacts: (arrayAt(msg, 'contacts')?.items ?? []).map((c) => parseContactCard(asObject(c))) };
    case 'interactive':
      return { type, interactive: parseInteractive(body, raw) };
    case 'button':
      return { type, button: { payload: stringAt(body, 'payload'), text: stringAt(body, 'text') } };
    case 'reaction': {
      const emoji = stringAt(body, 'emoji');
      const removed = emoji === null || emoji === '';
      return { type, reaction: { messageId: idAt(body, 'message_id'), emoji: removed ? null : emoji, removed } };
    }
    case 'order':
      return { type, order: parseOrder(body) };
    case 'system':
      return { type, system: parseSystem(body) };
    case 'revoke':
      return { type, revoke: { originalMessageId: idAt(body, 'original_message_id') } };
    case 'edit': {
      const inner = objectAt(body, 'message');
      const message = inner === null ? null : parseMessageContent(inner, raw);
      return { type, edit: { originalMessageId: idAt(body, 'original_message_id'), message } };
    }
    case 'unsupported':
      return { type, unsupported: { type: stringAt(body, 'type') } };
  }
}

/** The exact text of a node (the whole buffer when there is no node). */
function textOf(node: JsonNode | null, raw: Buffer): string {
  return node === null ? raw.toString('utf8') : raw.toString('utf8', node.start, node.end);
}

function parseMedia(m: Obj): Media {
  return {
    id: idAt(m, 'id'),
    mimeType: stringAt(m, 'mime_type'),
    sha256: stringAt(m, 'sha256'),
    caption: stringAt(m, 'caption'),
    filename: stringAt(m, 'filename'),
    voice: booleanAt(m, 'voice'),
    animated: booleanAt(m, 'animated'),
    url: stringAt(m, 'url'),
  };
}

function parseLocation(l: Obj): Location {
  return {
    latitude: numberAt(l, 'latitude'),
    longitude: numberAt(l, 'longitude'),
    name: stringAt(l, 'name'),
    address: stringAt(l, 'address'),
    url: stringAt(l, 'url'),
  };
}

function parseContactCard(c: Obj): ContactCard {
  const name = objectAt(c, 'name');
  const org = objectAt(c, 'org');
  const list = (key: string): Obj[] => (arrayAt(c, key)?.items ?? []).map(asObject);
  return {
    name: {
      formattedName: stringAt(name, 'formatted_name'),
      firstName: stringAt(name, 'first_name'),
      lastName: stringAt(name, 'last_name'),
      middleName: stringAt(name, 'middle_name'),
      prefix: stringAt(name, 'prefix'),
      suffix: stringAt(name, 'suffix'),
    },
    phones: list('phones').map((p) => ({ phone: stringAt(p, 'phone'), waId: idAt(p, 'wa_id'), type: stringAt(p, 'type') })),
    emails: list('emails').map((e) => ({ email: stringAt(e, 'email'), type: stringAt(e, 'type') })),
    urls: list('urls').map((u) => ({ url: stringAt(u, 'url'), type: stringAt(u, 'type') })),
    addresses: list('addresses').map((a) => ({
      street: stringAt(a, 'street'),
      city: stringAt(a, 'city'),
      state: stringAt(a, 'state'),
      zip: stringAt(a, 'zip'),
      country: stringAt(a, 'country'),
      countryCode: stringAt(a, 'country_code'),
      type: stringAt(a, 'type'),
    })),
    org: org === null ? null : { company: stringAt(org, 'company'), department: stringAt(org, 'department'), title: stringAt(org, 'title') },
    birthday: stringAt(c, 'birthday'),
  };
}

const INTERACTIVE_TYPES = ['button_reply', 'list_reply', 'nfm_reply', 'call_permission_reply'] as const;

function parseInteractive(i: Obj, raw: Buffer): InteractiveReply {
  const declared = stringAt(i, 'type');
  const type = declared ?? INTERACTIVE_TYPES.find((t) => getMember(i, t) !== undefined) ?? null;
  const r = type === null ? null : objectAt(i, type);
  switch (type) {
    case 'button_reply':
      return { type, id: idAt(r, 'id'), title: stringAt(r, 'title') };
    case 'list_reply':
      return { type, id: idAt(r, 'id'), title: stringAt(r, 'title'), description: stringAt(r, 'description') };
    case 'nfm_reply': {
      const responseJson = stringAt(r, 'response_json');
      return { type, name: stringAt(r, 'name'), body: stringAt(r, 'body'), responseJson, response: parseEmbeddedJson(responseJson) };
    }
    case 'call_permission_reply':
      return {
        type,
        response: stringAt(r, 'response'),
        expirationTimestamp: numberAt(r, 'expiration_timestamp'),
        responseSource: stringAt(r, 'response_source'),
        isPermanent: booleanAt(r, 'is_permanent'),
      };
    default:
      return { type: 'unknown', interactiveType: type, raw: i === null ? null : textOf(i, raw) };
  }
}

/** A JSON document carried inside a string (Flows' `response_json`); null unless it parses. */
function parseEmbeddedJson(text: string | null): JsonValue | null {
  if (text === null) return null;
  try {
    return toJsonValue(parseJsonSpans(Buffer.from(text, 'utf8')));
  } catch {
    return null;
  }
}

function parseOrder(o: Obj): Order {
  return {
    catalogId: idAt(o, 'catalog_id'),
    text: stringAt(o, 'text'),
    productItems: (arrayAt(o, 'product_items')?.items ?? []).map((node) => {
      const p = asObject(node);
      return {
        productRetailerId: idAt(p, 'product_retailer_id'),
        quantity: numberAt(p, 'quantity'),
        itemPrice: numberAt(p, 'item_price'),
        currency: stringAt(p, 'currency'),
      };
    }),
  };
}

function parseSystem(s: Obj): SystemUpdate {
  return {
    type: stringAt(s, 'type'),
    body: stringAt(s, 'body'),
    newWaId: idAt(s, 'wa_id') ?? idAt(s, 'new_wa_id'),
    customer: idAt(s, 'customer'),
    identity: stringAt(s, 'identity'),
  };
}
