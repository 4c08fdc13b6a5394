import { parseItem, type WhatsAppError, type WhatsAppEvent } from '@wabus/events';

/**
 * What one status event says about one outbound message, reduced to the fields the tracker keeps. Nothing
 * delivery-specific (receivedAt, deliveryId, position) is in it: a Meta retry of the same item is the same fact.
 */
export interface StatusFact {
  /** The wamid of our outbound message (a wacid for call statuses). */
  id: string;
  phoneNumberId: string | null;
  /** The tenant owning the business number (events v2, docs/tenants.md); null for records from before tenants. */
  tenantId: string | null;
  /** The `status` string as sent; null when absent. Known values rank, others are kept as history only. */
  status: string | null;
  /** Meta's time, unix seconds. */
  timestamp: number | null;
  recipientId: string | null;
  recipientUserId: string | null;
  recipientType: string | null;
  participantId: string | null;
  participantUserId: string | null;
  pricing: { billable: boolean | null; pricingModel: string | null; category: string | null; type: string | null } | null;
  conversation: { id: string | null; expirationTimestamp: number | null; originType: string | null } | null;
  errors: WhatsAppError[];
  bizOpaqueCallbackData: string | null;
}

export type ReadStatusFact = { kind: 'fact'; fact: StatusFact } | { kind: 'ignored' } | { kind: 'invalid'; reason: string };

/** Reads the fact of a status event; other kinds are ignored, a status without a message id is invalid. */
export function readStatusFact(event: WhatsAppEvent): ReadStatusFact {
  if (event.kind !== 'status') return { kind: 'ignored' };
  const item = parseItem(event);
  if (item.kind !== 'status') return { kind: 'ignored' };
  const s = item.status;
  if (s.id === null || s.id === '') {
    return { kind: 'invalid', reason: `status event ${event.eventId} has no message id (statuses[].id)` };
  }
  return {
    kind: 'fact',
    fact: {
      id: s.id,
      phoneNumberId: event.phoneNumberId,
      tenantId: event.tenantId,
      status: s.statusRaw,
      timestamp: s.timestamp,
      recipientId: s.recipientId,
      recipientUserId: s.recipientUserId,
      recipientType: s.recipientType,
      participantId: s.recipientParticipantId,
      participantUserId: s.recipientParticipantUserId,
      pricing: s.pricing,
      conversation: s.conversation,
      errors: s.errors,
      bizOpaqueCallbackData: s.bizOpaqueCallbackData,
    },
  };
}
