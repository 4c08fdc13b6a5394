import { explodeWebhook, type WhatsAppEvent } from '@wabus/events';

export const PHONE = '106540352242922';
export const CUSTOMER = '5511999990000';

export type Content =
  { text: string } | { buttonId: string } | { listId: string } | { payload: string } | { image: true } | { reaction: string } | { system: true };

function messageFields(c: Content): Record<string, unknown> {
  if ('text' in c) return { type: 'text', text: { body: c.text } };
  if ('buttonId' in c) return { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: c.buttonId, title: 'Yes' } } };
  if ('listId' in c) return { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: c.listId, title: 'Row' } } };
  if ('payload' in c) return { type: 'button', button: { payload: c.payload, text: 'Stop' } };
  if ('image' in c) return { type: 'image', image: { id: '1234', mime_type: 'image/jpeg', sha256: 'abc' } };
  if ('reaction' in c) return { type: 'reaction', reaction: { message_id: 'wamid.OUT', emoji: c.reaction } };
  return { type: 'system', system: { body: 'changed', type: 'user_changed_number', wa_id: '1' } };
}

let seq = 0;

export const CUSTOMER_BSUID = 'BR.1234567890123456789';

/**
 * A webhook body as Meta sends it, with one inbound message (or a status, for `kind: 'status'`). `userId`: the
 * user's BSUID as well; `customerId: null`: the BSUID only (a user who hides their number).
 */
export function inboundBody(o: {
  content?: Content;
  timestamp: number;
  phoneNumberId?: string;
  customerId?: string | null;
  userId?: string;
  wamid?: string;
  status?: boolean;
}): Buffer {
  const phoneNumberId = o.phoneNumberId ?? PHONE;
  const customerId = o.customerId === undefined ? CUSTOMER : o.customerId;
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
  };
  if (o.status) value['statuses'] = [{ id: o.wamid ?? `wamid.OUT${++seq}`, status: 'delivered', timestamp: String(o.timestamp), recipient_id: customerId }];
  else {
    const ids = { ...(customerId === null ? {} : { wa_id: customerId }), ...(o.userId === undefined ? {} : { user_id: o.userId }) };
    const from = { ...(customerId === null ? {} : { from: customerId }), ...(o.userId === undefined ? {} : { from_user_id: o.userId }) };
    value['contacts'] = [{ profile: { name: 'Maria' }, ...ids }];
    value['messages'] = [
      {
        ...from,
        id: o.wamid ?? `wamid.IN${++seq}.${Math.random().toString(36).slice(2)}`,
        timestamp: String(o.timestamp),
        ...messageFields(o.content ?? { text: 'hi' }),
      },
    ];
  }
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] }));
}

/** The one event ingress makes of such a body. */
export function inboundEvent(o: Parameters<typeof inboundBody>[0] & { receivedAt?: number }): WhatsAppEvent {
  const r = explodeWebhook(inboundBody(o), { receivedAt: o.receivedAt ?? o.timestamp * 1000 });
  if (!r.ok || r.events.length !== 1) throw new Error('test body did not explode into one event');
  return r.events[0]!;
}
