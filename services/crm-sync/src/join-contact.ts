import type { ContactState, ConversationActivity, InboundSummary } from './contact-state.ts';

// Each helper is commutative, associative and idempotent, and picks by a total order (never by arrival), so the
// join of any set of facts is one and the same value. Strings compare by code units; null loses to any value.

const least = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a <= b ? a : b);
const min = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const max = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** -1 / 0 / 1 for tuples of (number | null | string | boolean), null first, false before true. */
function compare(a: readonly (number | string | boolean | null)[], b: readonly (number | string | boolean | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function latestName(a: ContactState, b: ContactState): Pick<ContactState, 'profileName' | 'profileNameAt'> {
  const pick = (s: ContactState) => ({ profileName: s.profileName, profileNameAt: s.profileNameAt });
  if (a.profileName === null) return pick(b);
  if (b.profileName === null) return pick(a);
  return compare([a.profileNameAt, a.profileName], [b.profileNameAt, b.profileName]) >= 0 ? pick(a) : pick(b);
}

const inboundOf = (m: InboundSummary | null): InboundSummary | null => (m === null ? null : { id: m.id, type: m.type, preview: m.preview, at: m.at });

function latestInbound(a: InboundSummary | null, b: InboundSummary | null): InboundSummary | null {
  if (a === null) return inboundOf(b);
  if (b === null) return inboundOf(a);
  // Same (at, id) is the same message: the rest is a function of it.
  return inboundOf(compare([a.at, a.id, a.type, a.preview], [b.at, b.id, b.type, b.preview]) >= 0 ? a : b);
}

/** The latest preference wins; in the same second, `stop` wins (never message someone who may have opted out). */
function latestOptOut(a: ContactState, b: ContactState): Pick<ContactState, 'marketingOptOut' | 'marketingOptOutAt'> {
  const pick = (s: ContactState) => ({ marketingOptOut: s.marketingOptOut, marketingOptOutAt: s.marketingOptOutAt });
  if (a.marketingOptOut === null) return pick(b);
  if (b.marketingOptOut === null) return pick(a);
  return compare([a.marketingOptOutAt, a.marketingOptOut], [b.marketingOptOutAt, b.marketingOptOut]) >= 0 ? pick(a) : pick(b);
}

function joinConversation(a: ConversationActivity, b: ConversationActivity): ConversationActivity {
  return {
    phoneNumberId: a.phoneNumberId,
    lastInboundAt: max(a.lastInboundAt, b.lastInboundAt),
    lastOutboundAt: max(a.lastOutboundAt, b.lastOutboundAt),
    inboundMessages: Math.max(a.inboundMessages, b.inboundMessages),
    outboundMessages: Math.max(a.outboundMessages, b.outboundMessages),
  };
}

function joinConversations(a: readonly ConversationActivity[], b: readonly ConversationActivity[]): ConversationActivity[] {
  const byNumber = new Map<string, ConversationActivity>();
  for (const c of [...a, ...b]) {
    const seen = byNumber.get(c.phoneNumberId);
    byNumber.set(c.phoneNumberId, joinConversation(seen ?? c, c));
  }
  return [...byNumber.values()].sort((x, y) => (x.phoneNumberId < y.phoneNumberId ? -1 : x.phoneNumberId > y.phoneNumberId ? 1 : 0));
}

/**
 * The join of two states of the same contact: what the CRM should hold knowing the facts of both. Built with a
 * fixed key order and no `undefined`, so equal content is equal bytes (the content hash relies on it).
 */
export function joinContacts(a: ContactState, b: ContactState): ContactState {
  const name = latestName(a, b);
  const optOut = latestOptOut(a, b);
  return {
    id: a.id,
    tenantId: a.tenantId,
    aliases: [...new Set([...(a.aliases ?? []), ...(b.aliases ?? [])])].sort(),
    waId: least(a.waId, b.waId),
    userId: least(a.userId, b.userId),
    profileName: name.profileName,
    profileNameAt: name.profileNameAt,
    firstSeenAt: min(a.firstSeenAt, b.firstSeenAt),
    lastSeenAt: max(a.lastSeenAt, b.lastSeenAt),
    lastInboundMessage: latestInbound(a.lastInboundMessage, b.lastInboundMessage),
    marketingOptOut: optOut.marketingOptOut,
    marketingOptOutAt: optOut.marketingOptOutAt,
    conversations: joinConversations(a.conversations, b.conversations),
  };
}
