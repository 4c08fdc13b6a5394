import type { ConversationDoc, ConversationFact } from './message-doc.ts';

/** The customer-service window: free-form replies are allowed for 24 h after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export const conversationId = (phoneNumberId: string, customerId: string): string => `${phoneNumberId}:${customerId}`;

/**
 * The conversations fold. Pure; facts come in log order per partition (one conversation = one Kafka key = one
 * partition). Idempotent through `_sys.through`: a fact at or below the highest position already folded is a
 * redelivery and changes nothing. The counts are the only non-idempotent part, so a fact counts only when it is the
 * first occurrence of its message (`fact.first`, read from the message document): a Meta retry of the same item at
 * a later offset folds (moving `through`) but counts nothing. Times and the profile name are min / max / latest, so
 * they do not depend on the order either.
 */
export function evolveConversation(current: ConversationDoc | null, fact: ConversationFact): ConversationDoc {
  const through = current?._sys.through;
  if (current !== null && through !== undefined && through.p === fact.at.p && fact.at.o <= through.o) return current;

  // System messages (a number change, an identity change) are Meta's notices, not the customer writing: no window.
  const opensWindow = fact.direction === 'inbound' && fact.type !== 'system' && fact.timestamp !== null;
  const firstInboundAt = opensWindow ? earliest(current?.firstInboundAt ?? null, fact.timestamp) : (current?.firstInboundAt ?? null);
  const lastInboundAt = opensWindow ? latest(current?.lastInboundAt ?? null, fact.timestamp) : (current?.lastInboundAt ?? null);
  const counts = current?.counts ?? { inbound: 0, outbound: 0 };

  const at = { timestamp: fact.timestamp, wamid: fact.wamid };
  const before = current?.profileNameAt ?? null;
  const newerName = fact.profileName !== null && (before === null || compareNameAt(at, before) > 0);

  return {
    _id: conversationId(fact.phoneNumberId, fact.customerId),
    phoneNumberId: fact.phoneNumberId,
    customerId: fact.customerId,
    profileName: newerName ? fact.profileName : (current?.profileName ?? null),
    profileNameAt: newerName ? at : before,
    firstInboundAt,
    lastInboundAt,
    windowClosesAt: lastInboundAt === null ? null : new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS),
    counts: {
      inbound: counts.inbound + (fact.first && fact.direction === 'inbound' ? 1 : 0),
      outbound: counts.outbound + (fact.first && fact.direction === 'outbound' ? 1 : 0),
    },
    _sys: { through: fact.at },
  };
}

const earliest = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null || a <= b ? a : b);
const latest = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null || a >= b ? a : b);

function compareNameAt(a: { timestamp: Date | null; wamid: string }, b: { timestamp: Date | null; wamid: string }): number {
  const ta = a.timestamp?.getTime() ?? -Infinity;
  const tb = b.timestamp?.getTime() ?? -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.wamid < b.wamid ? -1 : a.wamid > b.wamid ? 1 : 0;
}
