import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evolve, type MessageFact } from './latest-message.ts';

const fact = (wamid: string, sentAt: number): MessageFact => ({ phoneNumberId: '1', customerId: 'c', wamid, type: 'text', sentAt });

test('the later message wins whatever the order; folding one again changes nothing', () => {
  const facts = [fact('wamid.A', 10), fact('wamid.B', 30), fact('wamid.C', 20), fact('wamid.D', 30)];
  const orders = [facts, [...facts].reverse(), [facts[2]!, facts[0]!, facts[3]!, facts[1]!]];
  const folded = orders.map((o) => o.reduce(evolve, null));
  for (const doc of folded) assert.deepEqual(doc, { _id: '1:c', ...fact('wamid.D', 30) }, 'the latest; a tie goes to the greater id');
  const doc = folded[0]!;
  for (const f of facts) assert.equal(evolve(doc, f), doc, `${f.wamid} again: the same document`);
});
