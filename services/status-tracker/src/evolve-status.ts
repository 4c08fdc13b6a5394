import type { StatusFact } from './status-fact.ts';
import type { AsOf, ConversationInfo, HistoryEntry, PricingInfo, StatusDocument } from './status-document.ts';
import { errorUnion, latest, least, withEntry, withValue } from './status-lattice.ts';
import { summarize } from './status-rank.ts';

// Rebuilt field by field (also when read back from the store), so key order never depends on where it came from.
const pricingOf = (p: Omit<PricingInfo, 'asOf'> | null | undefined, asOf: AsOf): PricingInfo | null =>
  p
    ? { billable: p.billable, pricingModel: p.pricingModel, category: p.category, type: p.type, asOf: { status: asOf.status, timestamp: asOf.timestamp } }
    : null;

const conversationOf = (c: Omit<ConversationInfo, 'asOf'> | null | undefined, asOf: AsOf): ConversationInfo | null =>
  c ? { id: c.id, expirationTimestamp: c.expirationTimestamp, originType: c.originType, asOf: { status: asOf.status, timestamp: asOf.timestamp } } : null;

/**
 * The status-tracker's state transition, pure: the document of a message after one more status fact.
 *
 * It is a join: `evolveStatus(evolveStatus(d, a), b)` equals `evolveStatus(evolveStatus(d, b), a)` and
 * `evolveStatus(evolveStatus(d, a), a)` equals `evolveStatus(d, a)`, byte for byte. So redeliveries, replays and
 * any arrival order give the same document, and re-folding after a write conflict is safe.
 */
export function evolveStatus(current: StatusDocument | null, fact: StatusFact): StatusDocument {
  const asOf: AsOf = { status: fact.status, timestamp: fact.timestamp };
  const entry: HistoryEntry = {
    status: fact.status,
    timestamp: fact.timestamp,
    participant: fact.participantId ?? fact.participantUserId,
    errors: fact.errors,
  };
  const history = withEntry(current?.history ?? [], entry);
  const r = current?.recipient;
  const { status, progress, firstSeen, firstTimestamp, lastTimestamp } = summarize(history);
  // Fixed key order, no `undefined`: equal content must be equal bytes (the content hash relies on it).
  return {
    _id: fact.id,
    phoneNumberId: least(current?.phoneNumberId ?? null, fact.phoneNumberId),
    // `?? null`: documents stored before tenants have no such field.
    tenantId: least(current?.tenantId ?? null, fact.tenantId),
    status,
    progress,
    firstSeen,
    sentAt: firstSeen.sent ?? null,
    deliveredAt: firstSeen.delivered ?? null,
    readAt: firstSeen.read ?? null,
    firstTimestamp,
    lastTimestamp,
    recipient: {
      id: least(r?.id ?? null, fact.recipientId),
      userId: least(r?.userId ?? null, fact.recipientUserId),
      type: least(r?.type ?? null, fact.recipientType),
      participantIds: withValue(r?.participantIds ?? [], fact.participantId),
      participantUserIds: withValue(r?.participantUserIds ?? [], fact.participantUserId),
    },
    pricing: latest(current?.pricing ? pricingOf(current.pricing, current.pricing.asOf) : null, pricingOf(fact.pricing, asOf)),
    conversation: latest(
      current?.conversation ? conversationOf(current.conversation, current.conversation.asOf) : null,
      conversationOf(fact.conversation, asOf),
    ),
    bizOpaqueCallbackData: least(current?.bizOpaqueCallbackData ?? null, fact.bizOpaqueCallbackData),
    errors: errorUnion(...history.filter((h) => h.status === 'failed').map((h) => h.errors)),
    history,
  };
}
