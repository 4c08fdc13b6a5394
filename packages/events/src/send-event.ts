import { EventsError } from './errors.ts';
import { parseJsonValue, type JsonValue } from './json-value.ts';

/** Where services/sender appends each settled send (JSON), keyed by the business number like the events topic. */
export const SENDS_TOPIC = 'whatsapp.sends.v1';

export const SEND_STATES = ['sent', 'failed', 'unknown'] as const;
export type SendState = (typeof SEND_STATES)[number];

/**
 * The record of a settled send on `whatsapp.sends.v1` (JSON). The record's `traceparent` header names the send's
 * span (docs/sender.md, "Traces"); a send appended again by the sender's sweep carries none.
 */
export interface SendEvent {
  sendId: string;
  state: SendState;
  tenantId: string;
  phoneNumberId: string;
  /** The phone number or business-scoped user id it went to; null for a read mark. */
  customer: string | null;
  type: string;
  /** Meta's id of the message: what its statuses carry. Set when sent (but a read mark has none), null otherwise. */
  wamid: string | null;
  /** failed: Meta's error code (or the transport's); unknown: why. */
  error: { code: string; reason?: string } | null;
  /** When the outcome was recorded (ISO). */
  at: string;
}

/** A send record read: the event and its `traceparent` header (null when absent), or why it cannot be read. */
export type ReadSendEvent = { ok: true; event: SendEvent; traceparent: string | null } | { ok: false; error: EventsError };

// W3C Trace Context, version 00 (https://www.w3.org/TR/trace-context/#traceparent-header-field-values).
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

const bad = (message: string): { ok: false; error: EventsError } => ({ ok: false, error: new EventsError('WABUS_EVENTS_BAD_SEND_EVENT', { message }) });

type Obj = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (o: Obj, k: string): string | null => (typeof o[k] === 'string' && o[k] !== '' ? o[k] : null);
const textOrNull = (o: Obj, k: string): string | null | undefined => (o[k] === null ? null : (text(o, k) ?? undefined));

/**
 * Total: a `whatsapp.sends.v1` record (value bytes and headers) as a send event, or the reason it is not one
 * (`WABUS_EVENTS_BAD_SEND_EVENT`). Never throws. Only a sent send may name a wamid (a sent read mark has none).
 */
export function readSendEvent(bytes: Buffer | null, headers: Readonly<Record<string, string>>): ReadSendEvent {
  if (bytes === null || bytes.length === 0) return bad('empty record');
  let v: JsonValue;
  try {
    v = parseJsonValue(bytes);
  } catch (err) {
    return bad(`not JSON: ${(err as Error).message}`);
  }
  if (!isObject(v)) return bad('not a JSON object');
  const sendId = text(v, 'sendId');
  const tenantId = text(v, 'tenantId');
  const phoneNumberId = text(v, 'phoneNumberId');
  const type = text(v, 'type');
  const at = text(v, 'at');
  const customer = textOrNull(v, 'customer');
  // '' was what the sender wrote for a read mark (which Meta gives no id) before it wrote null.
  const wamid = v['wamid'] === '' ? null : textOrNull(v, 'wamid');
  const state = SEND_STATES.find((s) => s === v['state']);
  const missing = Object.entries({ sendId, tenantId, phoneNumberId, type, at }).find(([, x]) => x === null);
  if (missing) return bad(`${missing[0]}: must be a non-empty string`);
  if (state === undefined) return bad(`state: must be one of ${SEND_STATES.join(', ')}`);
  if (customer === undefined) return bad('customer: must be a non-empty string or null');
  if (wamid === undefined) return bad('wamid: must be a non-empty string or null');
  if (state !== 'sent' && wamid !== null) return bad(`wamid: a ${state} send has none`);
  if (Number.isNaN(Date.parse(at!))) return bad('at: must be an ISO time');
  const e = v['error'];
  let error: SendEvent['error'];
  if (e === null || e === undefined) error = null;
  else if (isObject(e) && text(e, 'code') !== null && (e['reason'] === undefined || typeof e['reason'] === 'string')) {
    error = { code: text(e, 'code')!, ...(typeof e['reason'] === 'string' ? { reason: e['reason'] } : {}) };
  } else return bad('error: must be null or { code, reason? }');
  const tp = headers['traceparent'];
  return {
    ok: true,
    event: { sendId: sendId!, state, tenantId: tenantId!, phoneNumberId: phoneNumberId!, customer, type: type!, wamid, error, at: at! },
    traceparent: tp !== undefined && TRACEPARENT.test(tp) ? tp : null,
  };
}
