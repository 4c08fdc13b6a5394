import { aliasValue, type Alias } from '@wabus/events';
import type { ConversationDoc, ConversationFact, LogPosition } from './message-doc.ts';

/** The customer-service window: free-form replies are allowed for 24 h after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A conversation is a person at a business number (docs/identity.md). */
export const conversationId = (phoneNumberId: string, personId: string): string => `${phoneNumberId}:${personId}`;

/**
 * The conversations fold. Pure; facts come in log order per partition (one business number = one Kafka key = one
 * partition). Idempotent through `_sys.through`: a fact at or below the highest position already folded is a
 * redelivery and changes nothing. The counts are the only non-idempotent part, so a fact counts only when it is the
 * first occurrence of its message (`fact.first`, read from the message document): a Meta retry of the same item at
 * a later offset folds (moving `through`) but counts nothing. Times and the profile name are min / max / latest, and
 * the aliases a union, so they do not depend on the order either.
 */
export function evolveConversation(current: ConversationDoc | null, fact: ConversationFact): ConversationDoc {
  const through = current?._sys.through;
  if (current !== null && through !== undefined && through.p === fact.at.p && fact.at.o <= through.o) return current;

  // System messages (a number change, an identity change) are Meta's notices, not the customer writing: no window.
  const opensWindow = fact.direction === 'inbound' && fact.type !== 'system' && fact.timestamp !== null;
  const counts = current?.counts ?? { inbound: 0, outbound: 0 };
  const at = { timestamp: fact.timestamp, wamid: fact.wamid };
  const before = current?.profileNameAt ?? null;
  const newerName = fact.profileName !== null && (before === null || compareNameAt(at, before) > 0);

  return buildConversationDoc({
    tenantId: current?.tenantId ?? fact.tenantId,
    phoneNumberId: fact.phoneNumberId,
    personId: fact.personId,
    aliases: union(current?.aliases ?? [], fact.aliases),
    profileName: newerName ? fact.profileName : (current?.profileName ?? null),
    profileNameAt: newerName ? at : before,
    firstInboundAt: opensWindow ? earliest(current?.firstInboundAt ?? null, fact.timestamp) : (current?.firstInboundAt ?? null),
    lastInboundAt: opensWindow ? latest(current?.lastInboundAt ?? null, fact.timestamp) : (current?.lastInboundAt ?? null),
    counts: {
      inbound: counts.inbound + (fact.first && fact.direction === 'inbound' ? 1 : 0),
      outbound: counts.outbound + (fact.first && fact.direction === 'outbound' ? 1 : 0),
    },
    through: fact.at,
  });
}

export interface ConversationFields {
  tenantId: string | null;
  phoneNumberId: string;
  personId: string;
  aliases: readonly string[];
  profileName: string | null;
  profileNameAt: ConversationDoc['profileNameAt'];
  firstInboundAt: Date | null;
  lastInboundAt: Date | null;
  counts: ConversationDoc['counts'];
  through: LogPosition;
}

/**
 * The one place a conversation document is laid out (the fold and the rebuild after a merge): the same content
 * always has the same keys in the same order, so the same content hash.
 */
export function buildConversationDoc(f: ConversationFields): ConversationDoc {
  return {
    _id: conversationId(f.phoneNumberId, f.personId),
    tenantId: f.tenantId,
    phoneNumberId: f.phoneNumberId,
    personId: f.personId,
    customerId: aliasValue(f.personId as Alias),
    aliases: [...f.aliases],
    profileName: f.profileName,
    profileNameAt: f.profileNameAt,
    firstInboundAt: f.firstInboundAt,
    lastInboundAt: f.lastInboundAt,
    windowClosesAt: f.lastInboundAt === null ? null : new Date(f.lastInboundAt.getTime() + SERVICE_WINDOW_MS),
    counts: { inbound: f.counts.inbound, outbound: f.counts.outbound },
    _sys: { through: f.through },
  };
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort();
export const earliest = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null || a <= b ? a : b);
export const latest = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null || a >= b ? a : b);

export function compareNameAt(a: { timestamp: Date | null; wamid: string }, b: { timestamp: Date | null; wamid: string }): number {
  const ta = a.timestamp?.getTime() ?? -Infinity;
  const tb = b.timestamp?.getTime() ?? -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.wamid < b.wamid ? -1 : a.wamid > b.wamid ? 1 : 0;
}
