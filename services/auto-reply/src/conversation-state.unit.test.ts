import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@wabus/projection';
import { evolveConversation, messageFact, storedFact, type ConversationFact, type ConversationState } from './conversation-state.ts';

const C = { id: '1065:5511', phoneNumberId: '1065', customerId: '5511' };
const fold = (facts: readonly ConversationFact[]) => facts.reduce<ConversationState | null>(evolveConversation, null)!;

test('conversation state: a join of its facts, the same document (and hash) in any order and with repeats', () => {
  const facts = [messageFact(C, 200, false), messageFact(C, 100, false), messageFact(C, 150, true), messageFact(C, 120, true)];
  const state = fold(facts);
  assert.deepEqual(state, { _id: C.id, phoneNumberId: '1065', customerId: '5511', firstInboundAt: 100, lastInboundAt: 200, greetedAt: 120 });
  for (const order of [[...facts].reverse(), [facts[2]!, facts[0]!, facts[3]!, facts[1]!], [...facts, ...facts]]) {
    assert.equal(contentHash(fold(order)), contentHash(state));
  }
  assert.equal(contentHash(evolveConversation(state, facts[1]!)), contentHash(state), 'a fact already reflected changes nothing');
  assert.equal('greetedAt' in fold([messageFact(C, 100, false)]), false, 'no greeting: no field');
});

test('conversation state: a state stored under another id of the person joins in under this conversation', () => {
  const underPhone: ConversationState = { _id: '1065:BR.1', phoneNumberId: '1065', customerId: 'BR.1', firstInboundAt: 50, lastInboundAt: 60, greetedAt: 50 };
  const state = fold([messageFact(C, 100, false), storedFact(C, underPhone)]);
  assert.deepEqual(state, { _id: C.id, phoneNumberId: '1065', customerId: '5511', firstInboundAt: 50, lastInboundAt: 100, greetedAt: 50 });
});
