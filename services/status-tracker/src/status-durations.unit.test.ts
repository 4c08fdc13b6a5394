import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@wabus/projection';
import { evolveStatus } from './evolve-status.ts';
import { fact, permutations } from './fact.test-support.ts';
import type { StatusDocument } from './status-document.ts';
import type { StatusFact } from './status-fact.ts';
import { learnedDurations } from './status-durations.ts';

/** What a fold writes for these facts in this order: one write per fact that changed the document, as the store gets them. */
function learnedFromWrites(facts: readonly StatusFact[]): { delivered: number[]; read: number[] } {
  const out = { delivered: [] as number[], read: [] as number[] };
  let doc: StatusDocument | null = null;
  for (const f of facts) {
    const next = evolveStatus(doc, f);
    if (doc !== null && contentHash(next) === contentHash(doc)) continue;
    const learned = learnedDurations(doc, next);
    if (learned.sentToDelivered !== null) out.delivered.push(learned.sentToDelivered);
    if (learned.sentToRead !== null) out.read.push(learned.sentToRead);
    doc = next;
  }
  return out;
}

test('durations: every order of sent, delivered and read, with duplicates spliced in, teaches each duration exactly once', () => {
  const facts = [fact('sent', 100), fact('delivered', 103), fact('read', 160), fact('delivered', 103), fact('sent', 100)];
  const orders = permutations(facts);
  assert.equal(orders.length, 120);
  for (const order of orders) assert.deepEqual(learnedFromWrites(order), { delivered: [3], read: [60] }, order.map((f) => f.status).join(' '));
});

test('durations: a pair is learned by the write that completes it, whichever side comes last', () => {
  const sent = evolveStatus(null, fact('sent', 100));
  const delivered = evolveStatus(null, fact('delivered', 107));
  const both = evolveStatus(sent, fact('delivered', 107));
  assert.deepEqual(learnedDurations(null, sent), { sentToDelivered: null, sentToRead: null });
  assert.deepEqual(learnedDurations(sent, both), { sentToDelivered: 7, sentToRead: null });
  assert.deepEqual(learnedDurations(delivered, both), { sentToDelivered: 7, sentToRead: null }, 'delivered first, sent later');
  assert.deepEqual(learnedDurations(null, both), { sentToDelivered: 7, sentToRead: null }, 'both in one batch: an insert');
  assert.deepEqual(
    learnedDurations(both, evolveStatus(both, fact('sent', 99))),
    { sentToDelivered: null, sentToRead: null },
    'an earlier sent changes sentAt, not what was learned',
  );
});

test('durations: read without sent, failed, and a step stamped before sent', () => {
  const readOnly = evolveStatus(null, fact('read', 500));
  assert.deepEqual(learnedDurations(null, readOnly), { sentToDelivered: null, sentToRead: null }, 'never seen sent: nothing to measure');
  const failed = evolveStatus(evolveStatus(null, fact('sent', 100)), fact('failed', 101));
  assert.deepEqual(learnedDurations(null, failed), { sentToDelivered: null, sentToRead: null });
  const early = evolveStatus(evolveStatus(null, fact('sent', 100)), fact('delivered', 99));
  assert.deepEqual(learnedDurations(null, early), { sentToDelivered: 0, sentToRead: null }, 'Meta stamped delivered a second before sent: no time');
});
