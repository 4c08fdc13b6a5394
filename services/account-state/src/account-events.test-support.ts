import { explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import type { AccountFact, PhoneNumberFact, TemplateFact, WabaFact } from './account-fact.ts';
import { readAccountFacts } from './read-account-facts.ts';

export const WABA = '102290129340398';
export const DISPLAY = '15550783881';
export const PHONE_ID = '106540352242922';

/** A webhook body of one account-level change, as Meta sends it (`entry.time` is the change's time). */
export function changeBody(field: string, value: unknown, time: number | null, wabaId = WABA): Buffer {
  const entry = { id: wabaId, ...(time === null ? {} : { time }), changes: [{ value, field }] };
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [entry] }));
}

/** The event ingress makes of a one-change body (tenant as given: ingress sets it from the tenants file). */
export function changeEvent(field: string, value: unknown, time: number | null, o: { wabaId?: string; tenantId?: string | null } = {}): WhatsAppEvent {
  const exploded = explodeWebhook(changeBody(field, value, time, o.wabaId), { receivedAt: Date.UTC(2026, 0, 1) });
  if (!exploded.ok) throw new Error(`${exploded.reason}: ${exploded.detail}`);
  return { ...exploded.events[0]!, tenantId: o.tenantId ?? null };
}

export interface TemplateChange {
  event: string;
  time: number | null;
  name?: string;
  language?: string;
  wabaId?: string;
  reason?: string | null;
}

/** A message_template_status_update value (Meta's webhook reference). */
export const templateStatusValue = (c: TemplateChange) => ({
  event: c.event,
  message_template_id: 1689556908129832,
  message_template_name: c.name ?? 'order_update',
  message_template_language: c.language ?? 'en_US',
  reason: c.reason ?? (c.event === 'APPROVED' ? 'NONE' : null),
});

export const templateStatusEvent = (c: TemplateChange, tenantId: string | null = null): WhatsAppEvent =>
  changeEvent('message_template_status_update', templateStatusValue(c), c.time, { wabaId: c.wabaId ?? WABA, tenantId });

/** The facts of an event; throws when it has none of that entity (a test that means to read one). */
export function factsOf(event: WhatsAppEvent): AccountFact[] {
  const r = readAccountFacts(event);
  if (r.kind === 'invalid') throw new Error(r.reason);
  return r.facts;
}

export const templateFact = (e: WhatsAppEvent): TemplateFact => factsOf(e).find((f): f is TemplateFact => f.entity === 'template')!;
export const wabaFact = (e: WhatsAppEvent): WabaFact => factsOf(e).find((f): f is WabaFact => f.entity === 'waba')!;
export const numberFact = (e: WhatsAppEvent): PhoneNumberFact => factsOf(e).find((f): f is PhoneNumberFact => f.entity === 'phoneNumber')!;

/** Every permutation of a list (n! of them). */
export function everyOrder<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => everyOrder(items.filter((_, j) => j !== i)).map((rest) => [x, ...rest]));
}

/** Folds facts in the given order from nothing, as the projection does (evolve must never see null facts). */
export function foldAll<D, F>(facts: readonly F[], evolve: (d: D | null, f: F) => D): D | null {
  return facts.reduce<D | null>((d, f) => evolve(d, f), null);
}
