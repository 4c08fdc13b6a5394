import type { SendFact } from './send-fact.ts';
import type { StatusFact } from './status-fact.ts';
import type { AsOf, ConversationInfo, HistoryEntry, PricingInfo, SendLink, StatusDocument } from './status-document.ts';
import { compareNullable, errorUnion, latest, least, withEntry, withValue } from './status-lattice.ts';
import { summarize } from './status-rank.ts';

// Rebuilt field by field (also when read back from the store), so key order never depends on where it came from.
const pricingOf = (p: Omit<PricingInfo, 'asOf'> | null | undefined, asOf: AsOf): PricingInfo | null =>
  p
    ? { billable: p.billable, pricingModel: p.pricingModel, category: p.category, type: p.type, asOf: { status: asOf.status, timestamp: asOf.timestamp } }
    : null;

const conversationOf = (c: Omit<ConversationInfo, 'asOf'> | null | undefined, asOf: AsOf): ConversationInfo | null =>
  c ? { id: c.id, expirationTimestamp: c.expirationTimestamp, originType: c.originType, asOf: { status: asOf.status, timestamp: asOf.timestamp } } : null;

const linkOf = (s: SendLink | null | undefined): SendLink | null =>
  s ? { sendId: s.sendId, tenantId: s.tenantId, phoneNumberId: s.phoneNumberId, type: s.type, at: s.at, traceparent: s.traceparent ?? null } : null;

/**
 * Of two sends of one wamid, the least by sendId (two sends should never get one wamid; if they did, every order
 * keeps the same one). The same send read twice may differ only in what the record carried besides the event (the
 * sender's sweep appends again without `traceparent`): the one with a traceparent wins, then the least content.
 */
function leastSend(a: SendLink | null, b: SendLink | null): SendLink | null {
  if (a === null) return b;
  if (b === null) return a;
  const c =
    compareNullable(a.sendId, b.sendId) ||
    Number(a.traceparent === null) - Number(b.traceparent === null) ||
    compareNullable(JSON.stringify(a), JSON.stringify(b));
  return c <= 0 ? a : b;
}

/**
 * The document of message `id` from its (joined) history, the fields of its statuses joined with one more status
 * fact (none for a send), and its send. Fixed key order, no `undefined`: equal content must be equal bytes (the
 * content hash relies on it).
 */
function documentOf(id: string, current: StatusDocument | null, fact: StatusFact | null, send: SendLink | null): StatusDocument {
  const asOf: AsOf = { status: fact?.status ?? null, timestamp: fact?.timestamp ?? null };
  const history = fact
    ? withEntry(current?.history ?? [], {
        status: fact.status,
        timestamp: fact.timestamp,
        participant: fact.participantId ?? fact.participantUserId,
        errors: fact.errors,
      })
    : withEntries(current?.history ?? []);
  const r = current?.recipient;
  const { status, progress, firstSeen, firstTimestamp, lastTimestamp } = summarize(history);
  return {
    _id: id,
    phoneNumberId: least(current?.phoneNumberId ?? null, fact?.phoneNumberId ?? null),
    // `?? null`: documents stored before tenants have no such field.
    tenantId: least(current?.tenantId ?? null, fact?.tenantId ?? null),
    send,
    status,
    progress,
    firstSeen,
    sentAt: firstSeen.sent ?? null,
    deliveredAt: firstSeen.delivered ?? null,
    readAt: firstSeen.read ?? null,
    firstTimestamp,
    lastTimestamp,
    recipient: {
      id: least(r?.id ?? null, fact?.recipientId ?? null),
      userId: least(r?.userId ?? null, fact?.recipientUserId ?? null),
      type: least(r?.type ?? null, fact?.recipientType ?? null),
      participantIds: withValue(r?.participantIds ?? [], fact?.participantId ?? null),
      participantUserIds: withValue(r?.participantUserIds ?? [], fact?.participantUserId ?? null),
    },
    pricing: latest(current?.pricing ? pricingOf(current.pricing, current.pricing.asOf) : null, fact ? pricingOf(fact.pricing, asOf) : null),
    conversation: latest(
      current?.conversation ? conversationOf(current.conversation, current.conversation.asOf) : null,
      fact ? conversationOf(fact.conversation, asOf) : null,
    ),
    bizOpaqueCallbackData: least(current?.bizOpaqueCallbackData ?? null, fact?.bizOpaqueCallbackData ?? null),
    errors: errorUnion(...history.filter((h) => h.status === 'failed').map((h) => h.errors)),
    history,
  };
}

/** The history as stored, rebuilt entry by entry (so its key order does not depend on where it came from). */
const withEntries = (history: readonly HistoryEntry[]): HistoryEntry[] =>
  history.map((h) => ({ status: h.status, timestamp: h.timestamp, participant: h.participant, errors: errorUnion(h.errors) }));

/**
 * The status-tracker's state transition, pure: the document of a message after one more status fact.
 *
 * It is a join: `evolveStatus(evolveStatus(d, a), b)` equals `evolveStatus(evolveStatus(d, b), a)` and
 * `evolveStatus(evolveStatus(d, a), a)` equals `evolveStatus(d, a)`, byte for byte. So redeliveries, replays and
 * any arrival order give the same document, and re-folding after a write conflict is safe. With `evolveSend` too:
 * status and send facts fold into one document in any order.
 */
export function evolveStatus(current: StatusDocument | null, fact: StatusFact): StatusDocument {
  return documentOf(fact.id, current, fact, linkOf(current?.send));
}

/** The same join for the message's send (a `whatsapp.sends.v1` event of a sent send): only `send` changes. */
export function evolveSend(current: StatusDocument | null, fact: SendFact): StatusDocument {
  const { wamid, ...send } = fact;
  return documentOf(wamid, current, null, leastSend(linkOf(current?.send), linkOf(send)));
}
