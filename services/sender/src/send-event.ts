import { customerOf } from './send-command.ts';
import type { SendDoc } from './sends.ts';

/** The record of a settled send on `whatsapp.sends.v1` (JSON), keyed by the business number like the events topic. */
export interface SendEvent {
  sendId: string;
  state: 'sent' | 'failed' | 'unknown';
  tenantId: string;
  phoneNumberId: string;
  /** The phone number or business-scoped user id it went to; null for a read mark. */
  customer: string | null;
  type: string;
  /** Meta's id of the message: what its statuses carry. Null unless sent. */
  wamid: string | null;
  /** failed: Meta's error code (or the transport's); unknown: why. */
  error: { code: string; reason?: string } | null;
  /** When the outcome was recorded (ISO). */
  at: string;
}

/** Pure: the event of a settled send; null while it is pending. */
export function sendEventOf(d: SendDoc): { key: string; event: SendEvent } | null {
  if (d.state === 'pending') return null;
  const error =
    d.state === 'failed' && d.error
      ? { code: String(d.error.code), ...(d.error.reason ? { reason: d.error.reason } : {}) }
      : d.state === 'unknown' && d.unknown
        ? { code: 'unknown', reason: d.unknown.reason }
        : null;
  return {
    key: d.phoneNumberId,
    event: {
      sendId: d._id,
      state: d.state,
      tenantId: d.tenantId,
      phoneNumberId: d.phoneNumberId,
      customer: customerOf(d.command),
      type: d.command.kind === 'read' ? 'read' : d.command.message.type,
      wamid: d.reply?.wamid ?? null,
      error,
      at: d.updatedAt.toISOString(),
    },
  };
}
