import type { StateDocument } from '@wabus/projection';

/**
 * What auto-reply remembers per conversation (business number, person): when the customer wrote first and last
 * (Meta timestamps, Unix seconds) and when a greeting was decided. Every field only moves one way (min / max), so
 * applying the same inbound message twice, or out of order, gives the same state.
 */
export interface ConversationState extends StateDocument {
  /** `<phoneNumberId>:<customerId>`. */
  _id: string;
  phoneNumberId: string;
  customerId: string;
  firstInboundAt: number;
  lastInboundAt: number;
  /** Timestamp of the inbound message a greeting was decided for; absent while none was. */
  greetedAt?: number;
}

/**
 * What one inbound message, or a state stored under another id of the person (a user who wrote by phone, then by
 * BSUID alone, has one conversation stored under each until a body links the two), says about a conversation.
 */
export interface ConversationFact {
  conversationId: string;
  phoneNumberId: string;
  customerId: string;
  firstInboundAt: number;
  lastInboundAt: number;
  greetedAt: number | null;
}

export const conversationId = (phoneNumberId: string, customerId: string): string => `${phoneNumberId}:${customerId}`;

/** The fact of one inbound message of a conversation (and whether a greeting was decided for it). */
export const messageFact = (c: { id: string; phoneNumberId: string; customerId: string }, timestamp: number, greeted: boolean): ConversationFact => ({
  conversationId: c.id,
  phoneNumberId: c.phoneNumberId,
  customerId: c.customerId,
  firstInboundAt: timestamp,
  lastInboundAt: timestamp,
  greetedAt: greeted ? timestamp : null,
});

/** A state stored under any id of the person, as a fact about its conversation `c`. */
export const storedFact = (c: { id: string; phoneNumberId: string; customerId: string }, s: ConversationState): ConversationFact => ({
  conversationId: c.id,
  phoneNumberId: c.phoneNumberId,
  customerId: c.customerId,
  firstInboundAt: s.firstInboundAt,
  lastInboundAt: s.lastInboundAt,
  greetedAt: s.greetedAt ?? null,
});

/**
 * Pure: the state after one more fact: the earliest first message, the latest last one, the earliest greeting. A
 * join, so the facts' order and repeats do not matter; always the same key order (the content hash relies on it).
 */
export function evolveConversation(state: ConversationState | null, f: ConversationFact): ConversationState {
  const greetedAt = state?.greetedAt === undefined ? f.greetedAt : f.greetedAt === null ? state.greetedAt : Math.min(state.greetedAt, f.greetedAt);
  return {
    _id: f.conversationId,
    phoneNumberId: state?.phoneNumberId ?? f.phoneNumberId,
    customerId: state?.customerId ?? f.customerId,
    firstInboundAt: Math.min(state?.firstInboundAt ?? f.firstInboundAt, f.firstInboundAt),
    lastInboundAt: Math.max(state?.lastInboundAt ?? f.lastInboundAt, f.lastInboundAt),
    ...(greetedAt === null ? {} : { greetedAt }),
  };
}
