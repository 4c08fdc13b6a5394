// Dead letters for tests, made the way the consumer runtime makes them (packages/kafka deadLetterMessage).
import type { RecordHeaders as IHeaders } from '@wabus/kafka';
import { explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { deadLetterMessage, EventRejectedError, type ProduceMessage } from '@wabus/kafka';
import { headerText } from '@wabus/kafka';
import type { LogRecord } from './scan-topics.ts';

export const PHONE = '106540352242922';
export const CUSTOMER = '16315551181';
/** The record key ingress gives these events: the business number (events v2, docs/identity.md). */
export const KEY = PHONE;

/** One inbound text message (or a status of `wamid` when `status` is given), exploded by @wabus/events. */
export function testEvent(wamid: string, o: { type?: string; status?: string; receivedAt?: number } = {}): WhatsAppEvent {
  const value: Record<string, unknown> = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE } };
  if (o.status !== undefined) value['statuses'] = [{ id: wamid, status: o.status, timestamp: '1700000100', recipient_id: CUSTOMER }];
  else {
    value['contacts'] = [{ profile: { name: 'Zoë' }, wa_id: CUSTOMER }];
    const type = o.type ?? 'text';
    value['messages'] = [
      {
        from: CUSTOMER,
        id: wamid,
        timestamp: '1700000100',
        type,
        ...(type === 'text' ? { text: { body: `hello ${wamid}` } } : { [type]: { id: `media-${wamid}` } }),
      },
    ];
  }
  const body = { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }] };
  const r = explodeWebhook(Buffer.from(JSON.stringify(body)), { receivedAt: o.receivedAt ?? 1_700_000_100_000 });
  if (!r.ok || r.events.length !== 1) throw new Error('test body did not explode into one event');
  return r.events[0]!;
}

export const eventHeaders = (e: WhatsAppEvent): Record<string, string> => ({
  'wabus-event-id': e.eventId,
  'wabus-kind': e.kind,
  'wabus-delivery-id': e.deliveryId,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
});

export interface TestDeadLetter {
  value: Buffer;
  headers: Record<string, string>;
  code?: string;
  source?: { topic: string; partition: number; offset: string };
  group?: string;
  failedAt?: number;
}

/** The dead letter the consumer runtime would write for this record (the error is an EventRejectedError with `code`). */
export function testDeadLetter(o: TestDeadLetter): ProduceMessage {
  const src = o.source ?? { topic: 'whatsapp.events.v1', partition: 4, offset: '41' };
  return deadLetterMessage(
    { ...src, key: KEY, value: o.value, headers: o.headers, timestamp: '1700000100123' },
    new EventRejectedError('sticker not supported', o.code === undefined ? {} : { code: o.code }),
    o.group ?? 'wabus.message-store',
    o.failedAt ?? 1_700_000_200_000,
  );
}

/** A dead letter as read back from its topic at `dlqTopic/0/offset`. */
export function deadLetterRecord(o: TestDeadLetter & { dlqTopic: string; offset: number }): LogRecord {
  const m = testDeadLetter(o);
  const rawHeaders: IHeaders = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) rawHeaders[k] = Buffer.from(String(v));
  return {
    topic: o.dlqTopic,
    partition: 0,
    offset: String(o.offset),
    key: KEY,
    value: o.value,
    headers: headerText(rawHeaders),
    rawHeaders,
    timestamp: String(m.timestamp),
  };
}
