import type { SendEvent } from '@wabus/events';
import { customerOf } from './send-command.ts';
import type { SendDoc } from './sends.ts';

/** Pure: the event of a settled send (the contract is `@wabus/events`' `SendEvent`); null while it is pending. */
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
      // A read mark is recorded with an empty wamid (Meta gives it none): null on the topic.
      wamid: d.reply?.wamid || null,
      error,
      at: d.updatedAt.toISOString(),
    },
  };
}
