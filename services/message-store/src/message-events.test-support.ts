// Events for tests, made the way production makes them: a webhook body exploded by @wabus/events.
import assert from 'node:assert/strict';
import { explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import type { PlannedRecord } from './batch-plan.ts';
import type { ConversationDoc, MessageDoc } from './message-doc.ts';

export const WABA = '102290129340398';
export const PHONE = '106540352242922';
export const DISPLAY = '15550783881';
export const CUSTOMER = '16315551181';
export const NAME = 'Zoë Araújo';

type Json = Record<string, unknown>;

export interface EventOptions {
  /** The `contacts[]` element of the change; null for none. Default: the customer with NAME. */
  contact?: Json | null;
  phoneNumberId?: string | null;
  receivedAt?: number;
}

const contactOf = (waId: string, name: string): Json => ({ profile: { name }, wa_id: waId });

function explodeOne(field: string, array: string, item: Json, o: EventOptions, customer: string): WhatsAppEvent {
  const phoneNumberId = o.phoneNumberId === undefined ? PHONE : o.phoneNumberId;
  const contact = o.contact === undefined ? contactOf(customer, NAME) : o.contact;
  const value: Json = { messaging_product: 'whatsapp' };
  if (phoneNumberId !== null) value['metadata'] = { display_phone_number: DISPLAY, phone_number_id: phoneNumberId };
  if (contact !== null) value['contacts'] = [contact];
  value[array] = [item];
  const body = { object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ value, field }] }] };
  const result = explodeWebhook(Buffer.from(JSON.stringify(body)), { receivedAt: o.receivedAt ?? 1_700_000_100_000 });
  assert.ok(result.ok, 'test body explodes');
  assert.equal(result.events.length, 1);
  return result.events[0]!;
}

/** An inbound `messages[]` item from CUSTOMER (unless the item says otherwise). */
export function inbound(item: Json, o: EventOptions = {}): WhatsAppEvent {
  return explodeOne('messages', 'messages', { from: CUSTOMER, ...item }, o, typeof item['from'] === 'string' ? item['from'] : CUSTOMER);
}

/** A `message_echoes[]` item: the business wrote to CUSTOMER from the WhatsApp Business app. */
export function echo(item: Json, o: EventOptions = {}): WhatsAppEvent {
  return explodeOne('smb_message_echoes', 'message_echoes', { from: DISPLAY, to: CUSTOMER, ...item }, o, CUSTOMER);
}

export const text = (id: string, ts: number, body = `text ${id}`): Json => ({ id, timestamp: String(ts), type: 'text', text: { body } });
export const reaction = (id: string, ts: number, target: string, emoji: string): Json => ({
  id,
  timestamp: String(ts),
  type: 'reaction',
  reaction: { message_id: target, emoji },
});
export const edit = (id: string, ts: number, target: string, body: string): Json => ({
  id,
  timestamp: String(ts),
  type: 'edit',
  edit: { original_message_id: target, message: { type: 'text', text: { body } } },
});
export const revoke = (id: string, ts: number, target: string): Json => ({
  id,
  timestamp: String(ts),
  type: 'revoke',
  revoke: { original_message_id: target },
});

export const at = (event: WhatsAppEvent, offset: number, partition = 0): PlannedRecord => ({ event, partition, offset: String(offset) });

/** Documents without the bookkeeping that legitimately differs between two logs holding the same events. */
export function withoutBookkeeping<D extends MessageDoc | ConversationDoc>(doc: D): Omit<D, '_h' | '_sys'> {
  const { _h: _hash, _sys: _bookkeeping, ...rest } = doc;
  return rest;
}

/** Every ordering of `items` (n! of them: keep n small). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}
