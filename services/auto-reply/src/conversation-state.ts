/**
 * What auto-reply remembers per conversation (business number, customer): when the customer wrote first and last
 * (Meta timestamps, Unix seconds) and when a greeting was decided. Every field only moves one way ($min / $max), so
 * applying the same inbound message twice, or out of order, gives the same state.
 */
export interface ConversationState {
  /** `<phoneNumberId>:<customerId>`. */
  _id: string;
  phoneNumberId: string;
  customerId: string;
  firstInboundAt: number;
  lastInboundAt: number;
  /** Timestamp of the inbound message a greeting was decided for; absent while none was. */
  greetedAt?: number;
}

export const conversationId = (phoneNumberId: string, customerId: string): string => `${phoneNumberId}:${customerId}`;

/** Pure: the state after one more inbound message (and whether a greeting was decided for it). */
export function evolveConversation(state: ConversationState | null, m: { phoneNumberId: string; customerId: string; timestamp: number }, greeted: boolean): ConversationState {
  const next: ConversationState = state
    ? { ...state, firstInboundAt: Math.min(state.firstInboundAt, m.timestamp), lastInboundAt: Math.max(state.lastInboundAt, m.timestamp) }
    : { _id: conversationId(m.phoneNumberId, m.customerId), phoneNumberId: m.phoneNumberId, customerId: m.customerId, firstInboundAt: m.timestamp, lastInboundAt: m.timestamp };
  if (greeted) next.greetedAt = Math.min(next.greetedAt ?? m.timestamp, m.timestamp);
  return next;
}

/**
 * Pure: one conversation from the states stored under any id of its person (a user who wrote by phone, then by BSUID
 * alone, has one conversation stored under each until a body links the two): the earliest first message, the
 * latest last one, the earliest greeting. A join, so the states' order and repeats do not matter.
 */
export function joinConversationStates(id: string, phoneNumberId: string, customerId: string, states: readonly ConversationState[]): ConversationState | null {
  if (states.length === 0) return null;
  const greeted = states.flatMap((s) => (s.greetedAt === undefined ? [] : [s.greetedAt]));
  return {
    _id: id,
    phoneNumberId,
    customerId,
    firstInboundAt: Math.min(...states.map((s) => s.firstInboundAt)),
    lastInboundAt: Math.max(...states.map((s) => s.lastInboundAt)),
    ...(greeted.length === 0 ? {} : { greetedAt: Math.min(...greeted) }),
  };
}
