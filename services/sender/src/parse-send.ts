import { DIGITS_ID, isBusinessScopedId } from '@wabus/events';
import { SenderError } from './errors.ts';
import { MEDIA_TYPES, type Address, type MediaType, type SendCommand, type SendMessage } from './send-command.ts';

type Obj = Record<string, unknown>;

const bad = (param: string, why: string): never => {
  throw new SenderError('WABUS_SENDER_BAD_REQUEST', { message: `${param}: ${why}`, param });
};
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown, param: string): Obj => (isObj(v) ? v : bad(param, 'an object is required'));

function str(o: Obj, key: string, at: string, max: number, pattern?: RegExp): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) return bad(`${at}${key}`, 'a non-empty string is required');
  if (v.length > max) return bad(`${at}${key}`, `at most ${max} characters, got ${v.length}`);
  if (pattern && !pattern.test(v)) return bad(`${at}${key}`, `must match ${String(pattern)}`);
  return v;
}
const optStr = (o: Obj, key: string, at: string, max: number): string | undefined => (o[key] === undefined ? undefined : str(o, key, at, max));

/** Only the fields listed: a typo is an error, not a silently ignored option. */
function only(o: Obj, at: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${at}${k}`, `unknown field (expected one of ${keys.join(', ')})`);
}

// Graph ids go into a URL path (the business number) or are echoed to Meta: digits, and printable ASCII for wamids.
const WAMID = /^[\x21-\x7e]{1,256}$/;
const MESSAGE_TYPES = ['text', 'template', ...MEDIA_TYPES, 'interactive', 'reaction', 'read'] as const;

function address(b: Obj): Address {
  if (b['to'] !== undefined && b['recipient'] !== undefined) bad('to', 'give to or recipient, not both');
  if (b['recipient'] !== undefined) {
    const r = str(b, 'recipient', '', 128);
    return isBusinessScopedId(r) ? { recipient: r } : bad('recipient', 'a business-scoped user id (e.g. US.13491208655302741918) is required');
  }
  if (b['to'] === undefined) bad('to', 'to (a phone number) or recipient (a business-scoped user id) is required');
  return { to: str(b, 'to', '', 32, /^\+?\d{5,20}$/).replace(/^\+/, '') };
}

function media(type: MediaType, m: Obj): SendMessage {
  const at = `${type}.`;
  only(m, at, ['id', 'link', 'caption', 'filename']);
  if ((m['id'] === undefined) === (m['link'] === undefined)) bad(`${type}`, 'exactly one of id and link is required');
  let source: { id: string } | { link: string };
  if (m['id'] !== undefined) source = { id: str(m, 'id', at, 256, /^[A-Za-z0-9_-]+$/) };
  else {
    const link = str(m, 'link', at, 2048);
    if (!/^https?:\/\//.test(link) || !URL.canParse(link)) bad(`${at}link`, 'an http(s) URL is required');
    source = { link };
  }
  const caption = optStr(m, 'caption', at, 1024);
  const filename = optStr(m, 'filename', at, 240);
  if (caption !== undefined && (type === 'audio' || type === 'sticker')) bad(`${at}caption`, `${type} messages have no caption`);
  if (filename !== undefined && type !== 'document') bad(`${at}filename`, 'only documents have a file name');
  return { type, media: source, ...(caption === undefined ? {} : { caption }), ...(filename === undefined ? {} : { filename }) };
}

const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'flow', 'product', 'product_list', 'location_request_message', 'address_message'];

function message(type: (typeof MESSAGE_TYPES)[number], b: Obj): SendMessage {
  if (type === 'read') return bad('type', 'unreachable');
  const content = obj(b[type], type);
  if (type === 'text') {
    only(content, 'text.', ['body', 'previewUrl']);
    const previewUrl = content['previewUrl'] ?? false;
    if (typeof previewUrl !== 'boolean') bad('text.previewUrl', 'a boolean is required');
    return { type, body: str(content, 'body', 'text.', 4096), previewUrl: previewUrl as boolean };
  }
  if (type === 'template') {
    only(content, 'template.', ['name', 'language', 'components']);
    const components = content['components'] ?? [];
    if (!Array.isArray(components) || !components.every(isObj)) bad('template.components', 'an array of objects is required');
    return {
      type,
      name: str(content, 'name', 'template.', 512, /^[a-z0-9_]+$/),
      language: str(content, 'language', 'template.', 16, /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/),
      components: components as Obj[],
    };
  }
  if (type === 'interactive') {
    const kind = content['type'];
    if (typeof kind !== 'string' || !INTERACTIVE_TYPES.includes(kind)) bad('interactive.type', `one of ${INTERACTIVE_TYPES.join(', ')} is required`);
    if (kind !== 'product' && kind !== 'product_list') str(obj(content['body'], 'interactive.body'), 'text', 'interactive.body.', 1024);
    if (kind !== 'location_request_message') obj(content['action'], 'interactive.action');
    return { type, interactive: content };
  }
  if (type === 'reaction') {
    only(content, 'reaction.', ['messageId', 'emoji']);
    const emoji = content['emoji'];
    // An empty emoji removes the reaction (Meta's convention).
    if (typeof emoji !== 'string' || [...emoji].length > 8) bad('reaction.emoji', 'an emoji (or "" to remove the reaction) is required');
    return { type, messageId: str(content, 'messageId', 'reaction.', 256, WAMID), emoji: emoji as string };
  }
  return media(type, content);
}

/**
 * Pure: the body of `POST /v1/messages` → a command, or a 400 `WABUS_SENDER_BAD_REQUEST` naming the field at fault.
 * `{ phoneNumberId, tenantId?, to | recipient, replyTo?, type, <type>: {...} }`; `type: "read"` takes `messageId`.
 */
export function parseSend(raw: unknown): SendCommand {
  const b = obj(raw, 'body');
  const type = b['type'];
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) bad('type', `one of ${MESSAGE_TYPES.join(', ')} is required`);
  const t = type as (typeof MESSAGE_TYPES)[number];
  const phoneNumberId = str(b, 'phoneNumberId', '', 32, DIGITS_ID);
  const tenantId = b['tenantId'] === undefined ? null : str(b, 'tenantId', '', 128);
  if (t === 'read') {
    only(b, '', ['phoneNumberId', 'tenantId', 'type', 'messageId']);
    return { kind: 'read', tenantId, phoneNumberId, messageId: str(b, 'messageId', '', 256, WAMID) };
  }
  only(b, '', ['phoneNumberId', 'tenantId', 'to', 'recipient', 'replyTo', 'type', t]);
  const replyTo = b['replyTo'] === undefined ? null : str(b, 'replyTo', '', 256, WAMID);
  return { kind: 'message', tenantId, phoneNumberId, address: address(b), replyTo, message: message(t, b) };
}
