import { encodeEvent, eventRecord, explodeWebhook, RECORD_HEADERS } from '@wabus/events';
import type { RecordToProduce } from '@wabus/testing';
import { changeBody, DISPLAY, PHONE_ID, templateStatusValue, WABA, type TemplateChange } from './account-events.test-support.ts';

/** The records ingress appends for one body, with the tenant ingress would give its items. */
export function recordsOf(body: Buffer, receivedAt: number, tenantId: string | null): RecordToProduce[] {
  const exploded = explodeWebhook(body, { receivedAt });
  if (!exploded.ok) throw new Error(`${exploded.reason}: ${exploded.detail}`);
  return exploded.events.map((e) => eventRecord({ ...e, tenantId }, exploded.deliveryId, receivedAt, encodeEvent));
}

const templateBody = (c: TemplateChange) => changeBody('message_template_status_update', templateStatusValue(c), c.time, c.wabaId ?? WABA);

/** An inbound text at the business number: its metadata names the number's Meta id and display number. */
export function inboundTextBody(time: number, phoneNumberId = PHONE_ID, display = DISPLAY, wabaId = WABA): Buffer {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: display, phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: 'Ana' }, wa_id: '5511999990000' }],
    messages: [{ from: '5511999990000', id: `wamid.in.${time}`, timestamp: String(time), type: 'text', text: { body: 'oi' } }],
  };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [{ value, field: 'messages' }] }] }));
}

/**
 * The account workload, each change its own body, in an order where arrival never matches Meta's time: template
 * order_update's last to arrive is APPROVED@3000 but its latest is PAUSED@4000; welcome's last to arrive is
 * PAUSED@1000 but its latest is APPROVED@2000; the number's last is UPGRADE@500, its latest FLAGGED@1000. A third
 * of the bodies come again later (Meta retries: same items, new receipt time).
 */
export function accountWorkload(tenantId: string | null = null) {
  const bodies: Buffer[] = [
    templateBody({ event: 'PAUSED', time: 4_000 }),
    templateBody({ event: 'APPROVED', time: 2_000, name: 'welcome', language: 'pt_BR' }),
    templateBody({ event: 'PAUSED', time: 2_000 }),
    changeBody('phone_number_quality_update', { display_phone_number: DISPLAY, event: 'FLAGGED', current_limit: 'TIER_1K' }, 1_000),
    templateBody({ event: 'APPROVED', time: 1_000 }),
    templateBody({ event: 'FLAGGED', time: 1_500, name: 'welcome', language: 'pt_BR' }),
    inboundTextBody(900),
    changeBody('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'DATE' } }, 100),
    templateBody({ event: 'APPROVED', time: 3_000 }),
    changeBody('phone_number_quality_update', { display_phone_number: DISPLAY, event: 'UPGRADE', current_limit: 'TIER_10K' }, 500),
    templateBody({ event: 'PAUSED', time: 1_000, name: 'welcome', language: 'pt_BR' }),
  ];
  const retried = bodies.filter((_, i) => i % 3 === 1);
  let at = Date.UTC(2026, 0, 1);
  const records = [...bodies, ...retried].flatMap((b) => recordsOf(b, (at += 1_000), tenantId));
  const changeRecords = records.filter((r) => r.headers?.[RECORD_HEADERS.kind] === 'change').length;
  return { records, changeRecords, retriedChangeRecords: retried.length };
}
