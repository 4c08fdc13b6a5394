import { bsuidAlias, DIGITS_ID, isBusinessScopedId, parseItem, personAliases, phoneAlias, type Alias, type WhatsAppEvent } from '@wabus/events';

/** What a rule can look at in an inbound message. */
export type InboundContent =
  | { kind: 'text'; text: string }
  | { kind: 'button_reply'; id: string }
  | { kind: 'list_reply'; id: string }
  /** A template quick-reply button. */
  | { kind: 'button'; payload: string }
  /** Media, location, contacts, orders, other interactive replies: answerable, matched only by greeting, hours, default. */
  | { kind: 'other'; type: string };

/**
 * How a send names its user (Graph API `POST /messages`): by phone number in `to`, or — a user known only by their
 * business-scoped user id (BSUID) — by that id in `recipient`, never the BSUID in `to` (docs/identity.md).
 */
export type Address = { to: string } | { recipient: string };

/** The address of the user an event is about: their phone when the event has one, else their BSUID. */
export function addressOf(event: Pick<WhatsAppEvent, 'customerPhone' | 'customerUserId'>, customerId: string): Address {
  if (event.customerPhone !== null) return { to: event.customerPhone };
  if (event.customerUserId !== null) return { recipient: event.customerUserId };
  return isBusinessScopedId(customerId) ? { recipient: customerId } : { to: customerId };
}

/** An inbound message a reply can be sent to. */
export interface Inbound {
  eventId: string;
  /** The tenant the message came to (its rules and Graph token answer it). */
  tenantId: string;
  phoneNumberId: string;
  customerId: string;
  address: Address;
  wamid: string;
  /** Meta's timestamp, Unix seconds (ingress's receivedAt when Meta sent none). */
  timestamp: number;
  content: InboundContent;
}

export type ReadInbound = { ok: true; inbound: Inbound } | { ok: false; reason: 'not_inbound' | 'unanswerable' | 'bad_ids' };

/** Meta's phone number ids and users' phone numbers (wa_id) are digits. */
/** A wamid: printable ASCII without spaces (`wamid.` and base64 in practice). */
const WAMID = /^[\x21-\x7e]{1,512}$/;

/**
 * Whether the ids a reply is built from are Meta-shaped. A signed body can carry anything: a phone number id of `..`
 * would make `POST /<version>/../messages` a call to another Graph path, an empty wamid a reply quoting nothing.
 */
function metaShaped(phoneNumberId: string, wamid: string, address: Address): boolean {
  if (!DIGITS_ID.test(phoneNumberId) || !WAMID.test(wamid)) return false;
  return 'to' in address ? DIGITS_ID.test(address.to) : isBusinessScopedId(address.recipient);
}

// Not worth an answer: reactions, deletions and edits of earlier messages, number changes, types WhatsApp itself
// could not render, and types from the future.
const UNANSWERABLE = new Set(['reaction', 'revoke', 'edit', 'system', 'unsupported', 'unknown']);

/**
 * The customer wrote to this business number at this time: any inbound message but a system notice (reactions
 * included) opens or extends the 24-hour window. Null for everything else.
 */
export function customerWrote(event: WhatsAppEvent): { phoneNumberId: string; customerId: string; aliases: Alias[]; timestamp: number } | null {
  if (event.kind !== 'message' || event.itemType === 'system' || event.phoneNumberId === null || event.customerId === null) return null;
  const own = isBusinessScopedId(event.customerId) ? bsuidAlias(event.customerId) : phoneAlias(event.customerId);
  const aliases = [...new Set([...personAliases(event), own])].sort();
  return { phoneNumberId: event.phoneNumberId, customerId: event.customerId, aliases, timestamp: event.metaTimestamp ?? Math.floor(event.receivedAt / 1000) };
}

/** Reads an event as an inbound message to answer; echoes, statuses, errors and account changes are not inbound. */
export function readInbound(event: WhatsAppEvent, tenantId: string): ReadInbound {
  if (event.kind !== 'message') return { ok: false, reason: 'not_inbound' };
  const item = parseItem(event);
  if (item.kind !== 'message') return { ok: false, reason: 'not_inbound' };
  const m = item.message;
  const wamid = event.itemId ?? m.id;
  const customerId = event.customerId ?? m.customerId;
  if (UNANSWERABLE.has(m.type) || wamid === null || customerId === null || event.phoneNumberId === null) return { ok: false, reason: 'unanswerable' };
  const address = addressOf(event, customerId);
  if (!metaShaped(event.phoneNumberId, wamid, address)) return { ok: false, reason: 'bad_ids' };
  const timestamp = event.metaTimestamp ?? m.timestamp ?? Math.floor(event.receivedAt / 1000);
  let content: InboundContent;
  if (m.type === 'text') content = { kind: 'text', text: m.text.body ?? '' };
  else if (m.type === 'interactive' && m.interactive.type === 'button_reply' && m.interactive.id !== null)
    content = { kind: 'button_reply', id: m.interactive.id };
  else if (m.type === 'interactive' && m.interactive.type === 'list_reply' && m.interactive.id !== null) content = { kind: 'list_reply', id: m.interactive.id };
  else if (m.type === 'button' && m.button.payload !== null) content = { kind: 'button', payload: m.button.payload };
  else content = { kind: 'other', type: m.type };
  return {
    ok: true,
    inbound: {
      eventId: event.eventId,
      tenantId,
      phoneNumberId: event.phoneNumberId,
      customerId,
      address,
      wamid,
      timestamp,
      content,
    },
  };
}
