import type { WhatsAppEvent } from '@wabus/events';
import type { Subscription } from './subscription.ts';

/** The item's JSON exactly as Meta sent it (big numbers untouched), or null when the bytes are not JSON. */
function itemJson(raw: Buffer): string {
  const text = raw.toString('utf8');
  try {
    JSON.parse(text);
    return text;
  } catch {
    return 'null';
  }
}

/** The event a webhook receives: wabus' routing facts plus the item as received. Built once, sent the same each attempt. */
export function webhookBody(deliveryId: string, sub: Subscription, e: WhatsAppEvent): string {
  const facts = {
    eventId: e.eventId,
    kind: e.kind,
    field: e.field,
    wabaId: e.wabaId,
    phoneNumberId: e.phoneNumberId,
    customerId: e.customerId,
    tenantId: e.tenantId,
    itemId: e.itemId,
    itemType: e.itemType,
    metaTimestamp: e.metaTimestamp,
    receivedAt: e.receivedAt,
  };
  const head = JSON.stringify({ id: deliveryId, subscriptionId: sub.id, type: `whatsapp.${e.kind}`, event: facts });
  // `item` spliced in as text: parsing and re-serialising would round ids and numbers beyond 2^53.
  return `${head.slice(0, -1)},"item":${itemJson(e.raw)}}`;
}

/** One line a person reads: who wrote to which number, and what (80 characters at most). */
export function notificationText(sub: Subscription, e: WhatsAppEvent, text: string | null): string {
  const who = e.customerPhone !== null ? `+${e.customerPhone}` : (e.customerId ?? 'someone');
  const to = e.displayPhoneNumber ?? e.phoneNumberId ?? e.wabaId;
  const chars = Array.from((text ?? `(${e.itemType ?? e.kind})`).replace(/\s+/g, ' ').trim());
  const preview = chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : chars.join('');
  const lead = sub.unansweredAfterSeconds === null ? 'WhatsApp' : `No answer within ${formatDelay(sub.unansweredAfterSeconds)}`;
  return `${lead}: ${e.kind === 'message_echo' ? 'business' : 'customer'} ${who} → ${to}: ${preview}`;
}

function formatDelay(s: number): string {
  return s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

/** The body stored for a target: the signed event, Slack's `{text}`, or an e-mail's subject and text. */
export function bodyFor(deliveryId: string, sub: Subscription, e: WhatsAppEvent, originalText: string | null): string {
  switch (sub.target.type) {
    case 'webhook':
      return webhookBody(deliveryId, sub, e);
    case 'slack':
      return JSON.stringify({ text: notificationText(sub, e, originalText) });
    case 'email': {
      const text = notificationText(sub, e, originalText);
      return JSON.stringify({ subject: text.length > 120 ? `${text.slice(0, 119)}…` : text, text: `${text}\n\nDelivery ${deliveryId}, event ${e.eventId}.` });
    }
    default: {
      const never: never = sub.target;
      return never;
    }
  }
}
