import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilter, type EventFacts } from './match-event.ts';
import type { EventFilter } from './subscription.ts';

const any: EventFilter = { kinds: [], phoneNumberIds: [], tenants: [], messageTypes: [], keywords: [] };
const text: EventFacts = { kind: 'message', phoneNumberId: '111', tenantId: 'acme', messageType: 'text', text: 'Onde está o meu PEDIDO?' };

test('an empty filter takes everything; each list given must match (AND), any of its entries (OR)', () => {
  assert.equal(matchesFilter(any, text), true);
  assert.equal(matchesFilter(any, { kind: 'status', phoneNumberId: null, tenantId: null, messageType: null, text: null }), true);
  assert.equal(matchesFilter({ ...any, phoneNumberIds: ['222', '111'] }, text), true);
  assert.equal(matchesFilter({ ...any, phoneNumberIds: ['222'] }, text), false);
  assert.equal(matchesFilter({ ...any, kinds: ['message'], messageTypes: ['text'], tenants: ['acme'] }, text), true);
  assert.equal(matchesFilter({ ...any, kinds: ['message'], messageTypes: ['image'] }, text), false);
  assert.equal(matchesFilter({ ...any, tenants: ['other'] }, text), false);
  assert.equal(matchesFilter({ ...any, tenants: ['acme'] }, { ...text, tenantId: null }), false, 'no tenant never matches a tenant filter');
});

test('keywords: case-insensitive substrings of the text; an event without text never matches', () => {
  assert.equal(matchesFilter({ ...any, keywords: ['pedido'] }, text), true);
  assert.equal(matchesFilter({ ...any, keywords: ['boleto', 'meu pedido'] }, text), true);
  assert.equal(matchesFilter({ ...any, keywords: ['boleto'] }, text), false);
  assert.equal(matchesFilter({ ...any, keywords: ['pedido'] }, { ...text, messageType: 'sticker', text: null }), false);
});
