import { recall, remember, timestamp, type GenContext } from './gen-context.ts';
import type { GeneratedItem, JsonObject } from './generated-item.ts';
import { lowerHex, makeWamid } from './ids.ts';
import type { MessageKind } from './kinds.ts';
import { messageContent } from './message-content.ts';
import { customerKey, type BusinessNumber, type Customer } from './world.ts';

/** The `contacts[]` element for a customer: wa_id and/or the business-scoped ids. */
export function contactOf(customer: Customer): JsonObject {
  return {
    profile: { name: customer.name },
    wa_id: customer.waId ?? undefined,
    user_id: customer.userId ?? undefined,
    parent_user_id: customer.parentUserId ?? undefined,
  };
}

function replyContext(ctx: GenContext, business: BusinessNumber, customer: Customer, mode: 'outbound' | 'none' | 'maybe'): JsonObject | undefined {
  const { rng } = ctx;
  if (mode === 'none') return undefined;
  if (mode === 'outbound' || rng.chance(0.15)) {
    const ref = recall(ctx, ctx.outbound, business.phoneNumberId);
    return { from: business.displayPhoneNumber, id: ref?.wamid ?? makeWamid(rng, customer.phone, 'outbound') };
  }
  if (rng.chance(0.05)) return { forwarded: true };
  if (rng.chance(0.02)) return { frequently_forwarded: true };
  return undefined;
}

function referral(ctx: GenContext): JsonObject {
  const { rng } = ctx;
  const sourceId = rng.digits(15);
  return {
    source_url: `https://fb.me/${lowerHex(rng, 9)}`,
    source_id: sourceId,
    source_type: rng.pick(['ad', 'post']),
    headline: 'Promoção de inverno ❄️',
    body: 'Fale com a gente no WhatsApp',
    media_type: 'image',
    image_url: `https://scontent.xx.fbcdn.net/v/t45.1600-4/${sourceId}_n.png`,
    ctwa_clid: rng.bytes(48).toString('base64url'),
  };
}

/** An inbound `messages[]` element of the given kind, from the customer to the business number. */
export function buildMessageItem(ctx: GenContext, kind: MessageKind, business: BusinessNumber, customer: Customer): GeneratedItem {
  const { rng } = ctx;
  const content = messageContent(ctx, kind, business, customer);
  const id = makeWamid(rng, customer.phone, 'inbound');
  const context = replyContext(ctx, business, customer, content.replyTo);
  // BSUID users have no `from`; users with both ids sometimes carry `from_user_id` as well.
  const fromUserId = customer.userId !== null && (customer.waId === null || rng.chance(0.3)) ? customer.userId : undefined;
  const head: JsonObject = {
    referral: kind === 'text' && rng.chance(0.03) ? referral(ctx) : undefined,
    context,
    from: customer.waId ?? undefined,
    from_user_id: fromUserId,
    id,
    timestamp: timestamp(ctx),
  };
  // Meta writes `type` before or after the type's object depending on the type and version.
  const payload: JsonObject = rng.chance(0.5) ? { ...head, type: content.type, ...content.fields } : { ...head, ...content.fields, type: content.type };
  remember(ctx.inbound, { wamid: id, phoneNumberId: business.phoneNumberId, customer });
  return {
    simKind: kind,
    kind: 'message',
    field: 'messages',
    wabaId: business.wabaId,
    business,
    array: 'messages',
    contact: content.withContact ? contactOf(customer) : null,
    payload,
    id,
    customerId: customerKey(customer),
    itemType: content.type,
    time: null,
  };
}
