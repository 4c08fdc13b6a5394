import { recall, remember, timestamp, unixSeconds, type GenContext } from './gen-context.ts';
import type { GeneratedItem, JsonObject } from './generated-item.ts';
import { lowerHex, makeWamid } from './ids.ts';
import type { StatusKind } from './kinds.ts';
import { customerKey, type BusinessNumber, type Customer } from './world.ts';

const FAILURES: readonly { code: number; title: string; details: string }[] = [
  {
    code: 131047,
    title: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  {
    code: 130472,
    title: "User's number is part of an experiment",
    details: "Failed to send message because this user's phone number is part of an experiment",
  },
  {
    code: 131049,
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  { code: 131053, title: 'Media upload error', details: 'Unsupported Video mime type text/html. Please use one of video/3gpp, video/mp4.' },
  { code: 131026, title: 'Message undeliverable', details: 'Message Undeliverable.' },
];

const CATEGORIES = ['service', 'marketing', 'utility', 'authentication'] as const;

function pricing(ctx: GenContext, category: string): JsonObject {
  // Per-message pricing (PMP) replaced conversation-based pricing (CBP) in 2025; both still arrive.
  return ctx.rng.chance(0.5)
    ? { billable: true, pricing_model: 'CBP', category }
    : { billable: category !== 'service', pricing_model: 'PMP', category, type: category === 'service' ? 'free_customer_service' : 'regular' };
}

function conversation(ctx: GenContext, category: string, withExpiry: boolean): JsonObject {
  return {
    id: lowerHex(ctx.rng, 32),
    expiration_timestamp: withExpiry ? String(unixSeconds(ctx) + 86_400) : undefined,
    origin: { type: category },
  };
}

/** A `statuses[]` element about a message the business sent to the customer. */
export function buildStatusItem(ctx: GenContext, kind: StatusKind, business: BusinessNumber, customer: Customer): GeneratedItem {
  const { rng } = ctx;
  const status = kind.slice('status_'.length);
  // Later statuses usually concern a message we already reported as sent, so ids repeat across items.
  const known = status === 'sent' ? null : rng.chance(0.7) ? recall(ctx, ctx.outbound, business.phoneNumberId) : null;
  const target = known?.customer ?? customer;
  const id = known?.wamid ?? makeWamid(rng, target.phone, 'outbound');
  if (known === null) remember(ctx.outbound, { wamid: id, phoneNumberId: business.phoneNumberId, customer: target });
  const category = rng.pick(CATEGORIES);
  const failure = status === 'failed' ? rng.pick(FAILURES) : null;
  const payload: JsonObject = {
    id,
    status,
    timestamp: timestamp(ctx, 30),
    recipient_id: target.waId ?? undefined,
    recipient_user_id: target.userId !== null && (target.waId === null || rng.chance(0.3)) ? target.userId : undefined,
    // `conversation` is gone from API v24 on; older versions still send it.
    conversation: failure === null && rng.chance(0.4) ? conversation(ctx, category, status === 'sent') : undefined,
    pricing: failure === null && rng.chance(0.6) ? pricing(ctx, category) : undefined,
    biz_opaque_callback_data: rng.chance(0.1) ? `order=${rng.int(1000, 9999)};campaign=inverno/2024` : undefined,
    errors:
      failure === null
        ? undefined
        : [
            {
              code: failure.code,
              title: failure.title,
              message: failure.title,
              error_data: { details: failure.details },
              href: rng.chance(0.5) ? 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' : undefined,
            },
          ],
  };
  return {
    simKind: kind,
    kind: 'status',
    field: 'messages',
    wabaId: business.wabaId,
    business,
    array: 'statuses',
    contact: null,
    payload,
    id,
    customerId: customerKey(target),
    itemType: status,
    time: null,
  };
}
