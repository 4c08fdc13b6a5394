import { remember, timestamp, type GenContext } from './gen-context.ts';
import type { GeneratedItem, JsonObject } from './generated-item.ts';
import { makeWamid, mediaId, mediaSha256 } from './ids.ts';
import { contactOf } from './message-item.ts';
import { pickText } from './texts.ts';
import { customerKey, type BusinessNumber, type Customer } from './world.ts';

/** A `message_echoes[]` element (field `smb_message_echoes`): a message the business sent from the WhatsApp Business app. */
export function buildEchoItem(ctx: GenContext, business: BusinessNumber, customer: Customer): GeneratedItem {
  const { rng } = ctx;
  const id = makeWamid(rng, customer.phone, 'outbound');
  const content: JsonObject = rng.chance(0.8)
    ? { type: 'text', text: { body: pickText(ctx.rng) } }
    : { type: 'image', image: { mime_type: 'image/jpeg', sha256: mediaSha256(rng), id: mediaId(rng) } };
  const payload: JsonObject = {
    from: business.displayPhoneNumber,
    to: customer.waId ?? undefined,
    to_user_id: customer.userId !== null && (customer.waId === null || rng.chance(0.3)) ? customer.userId : undefined,
    to_parent_user_id: customer.waId === null ? (customer.parentUserId ?? undefined) : undefined,
    id,
    timestamp: timestamp(ctx),
    ...content,
  };
  remember(ctx.outbound, { wamid: id, phoneNumberId: business.phoneNumberId, customer });
  return {
    simKind: 'echo',
    kind: 'message_echo',
    field: 'smb_message_echoes',
    wabaId: business.wabaId,
    business,
    array: 'message_echoes',
    contact: rng.chance(0.5) ? contactOf(customer) : null,
    payload,
    id,
    customerId: customerKey(customer),
    itemType: String(content['type']),
    time: null,
  };
}

const VALUE_ERRORS: readonly { code: number; title: string; details: string }[] = [
  { code: 131000, title: 'Something went wrong', details: 'Unsupported webhook payload' },
  { code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' },
  { code: 131053, title: 'Media upload error', details: 'Downloading media from the sender failed.' },
];

/** A value-level `errors[]` element: Meta could not deliver something to the business. */
export function buildValueErrorItem(ctx: GenContext, business: BusinessNumber): GeneratedItem {
  const e = ctx.rng.pick(VALUE_ERRORS);
  return {
    simKind: 'value_error',
    kind: 'error',
    field: 'messages',
    wabaId: business.wabaId,
    business,
    array: 'errors',
    contact: null,
    payload: { code: e.code, title: e.title, message: e.title, error_data: { details: e.details } },
    id: null,
    customerId: null,
    itemType: String(e.code),
    time: null,
  };
}
