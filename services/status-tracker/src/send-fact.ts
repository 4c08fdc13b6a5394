import type { ReadSendEvent } from '@wabus/events';
import type { SendLink } from './status-document.ts';

/** What one send event says about one outbound message: its send, filed under its wamid. */
export interface SendFact extends SendLink {
  wamid: string;
}

export type ReadSendFact = { kind: 'fact'; fact: SendFact } | { kind: 'not_sent' } | { kind: 'malformed'; reason: string };

/**
 * Reads the fact of a send record: only a sent send names a wamid (failed and unknown sends, and read marks, have
 * none, so nothing to join); a record that is not a send event is malformed.
 */
export function readSendFact(read: ReadSendEvent): ReadSendFact {
  if (!read.ok) return { kind: 'malformed', reason: read.error.message };
  const e = read.event;
  if (e.state !== 'sent' || e.wamid === null) return { kind: 'not_sent' };
  return {
    kind: 'fact',
    fact: { wamid: e.wamid, sendId: e.sendId, tenantId: e.tenantId, phoneNumberId: e.phoneNumberId, type: e.type, at: e.at, traceparent: read.traceparent },
  };
}
