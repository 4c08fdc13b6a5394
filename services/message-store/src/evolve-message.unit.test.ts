import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, groupFacts } from '@wabus/projection';
import type { WhatsAppEvent } from '@wabus/events';
import { messageFactsOf, planBatch } from './batch-plan.ts';
import { evolveMessage } from './evolve-message.ts';
import type { MessageDoc } from './message-doc.ts';
import { CUSTOMER, DISPLAY, at, echo, edit, inbound, permutations, reaction, revoke, text } from './message-events.test-support.ts';

interface LoggedEvent {
  event: WhatsAppEvent;
  offset: number;
}

const plans = new Map<LoggedEvent, ReturnType<typeof planBatch>['accepted']>();
const planOf = (e: LoggedEvent) => plans.get(e) ?? plans.set(e, planBatch([at(e.event, e.offset)]).accepted).get(e)!;

/** Given events at offsets, when folded in the given order, then the message documents. */
function fold(events: LoggedEvent[]): Map<string, MessageDoc> {
  const docs = new Map<string, MessageDoc>();
  for (const [id, facts] of groupFacts(events.flatMap(planOf), messageFactsOf).byId) {
    const doc = facts.reduce<MessageDoc | null>(evolveMessage, docs.get(id) ?? null);
    if (doc !== null) docs.set(id, doc);
  }
  return docs;
}

const T = 'wamid.TARGET';
const target = { event: inbound(text(T, 100, 'v1')), offset: 1 };
const targetRetry = { event: inbound(text(T, 100, 'v1'), { receivedAt: 1_700_000_999_000 }), offset: 9 };
const thumbs = { event: inbound(reaction('wamid.R1', 110, T, '👍')), offset: 2 };
const unreact = { event: inbound(reaction('wamid.R2', 120, T, '')), offset: 3 };
const heart = { event: echo(reaction('wamid.R3', 115, T, '❤️')), offset: 4 };
const edit1 = { event: inbound(edit('wamid.E1', 130, T, 'v2')), offset: 5 };
const edit2 = { event: inbound(edit('wamid.E2', 140, T, 'v3')), offset: 6 };
const gone = { event: inbound(revoke('wamid.V', 150, T)), offset: 7 };

test('message fold: a reaction before its target waits in a placeholder and gives the same document as after', () => {
  const early = fold([thumbs]).get(T)!;
  assert.equal(early.received, false, 'a placeholder');
  assert.equal(early.phoneNumberId, null);
  assert.equal(early.updates.reactions.length, 1);
  const before = fold([thumbs, target]).get(T)!;
  const after = fold([target, thumbs]).get(T)!;
  assert.deepEqual(before, after);
  assert.equal(contentHash(before), contentHash(after), 'same content, same key order');
  assert.equal(before.received, true);
  assert.deepEqual(before.reactions, [{ wamid: 'wamid.R1', from: CUSTOMER, emoji: '👍', timestamp: new Date(110_000) }]);
});

test('message fold: reactions, edits and revokes, applied: current reaction per reactor, content after edits, history, revoked', () => {
  const doc = fold([target, thumbs, unreact, heart, edit1, edit2, gone]).get(T)!;
  assert.deepEqual(
    doc.reactions,
    [{ wamid: 'wamid.R3', from: DISPLAY, emoji: '❤️', timestamp: new Date(115_000) }],
    'the customer removed theirs; the business reaction stays',
  );
  assert.deepEqual(
    doc.updates.reactions.map((r) => r.wamid),
    ['wamid.R1', 'wamid.R3', 'wamid.R2'],
    'history sorted by (timestamp, wamid)',
  );
  assert.deepEqual(doc.current, { type: 'text', text: { body: 'v3' } }, 'the latest edit is current');
  assert.deepEqual(doc.content, { type: 'text', text: { body: 'v1' } }, 'the original content is kept');
  assert.deepEqual(
    doc.updates.edits.map((e) => e.wamid),
    ['wamid.E1', 'wamid.E2'],
  );
  assert.equal(doc.edited, true);
  assert.equal(doc.revoked, true);
  assert.deepEqual(doc._sys.first, { p: 0, o: 1 });
  // The updates are messages of their own too.
  const r1 = fold([thumbs]).get('wamid.R1')!;
  assert.equal(r1.received, true);
  assert.equal(r1.type, 'reaction');
});

test('message fold: any order of a target, its updates and a Meta retry of it gives the same documents', () => {
  const events = [target, targetRetry, thumbs, unreact, heart, edit2, gone];
  const reference = fold(events);
  const hashes = new Map([...reference].map(([id, d]) => [id, contentHash(d)]));
  let orders = 0;
  for (const order of permutations(events)) {
    const docs = fold(order);
    assert.equal(docs.size, reference.size);
    for (const [id, doc] of docs) assert.equal(contentHash(doc), hashes.get(id), `${id} after ${order.map((e) => e.offset).join(',')}`);
    orders++;
  }
  assert.equal(orders, 5_040);
  const doc = reference.get(T)!;
  assert.deepEqual(doc._sys.first, { p: 0, o: 1 }, 'the smallest offset filled it');
  assert.deepEqual(doc.receivedAt, new Date(1_700_000_100_000), 'content of the first occurrence, not of the retry');
});

test('message fold: folding the same event again changes nothing (returns the very same document)', () => {
  const events = [target, thumbs, unreact, heart, edit1, edit2, gone];
  const once = fold(events);
  const twice = fold([...events, ...events]);
  assert.deepEqual(twice, once);
  const plan = planBatch(events.map((e) => at(e.event, e.offset)));
  for (const [id, facts] of groupFacts(plan.accepted, messageFactsOf).byId) {
    const doc = once.get(id)!;
    for (const fact of facts) assert.equal(evolveMessage(doc, fact), doc, `${fact.kind} on ${id} is already reflected`);
  }
  // A Meta retry later in the log is a duplicate too: the first occurrence already filled the document.
  const retryFact = planBatch([at(targetRetry.event, targetRetry.offset)]).accepted[0]!.own;
  assert.equal(evolveMessage(once.get(T)!, retryFact), once.get(T));
});

test('message fold: an earlier occurrence found later (out-of-order fold) replaces the content and `first`', () => {
  const late = fold([targetRetry]).get(T)!;
  assert.deepEqual(late._sys.first, { p: 0, o: 9 });
  const both = fold([targetRetry, target]).get(T)!;
  assert.deepEqual(both, fold([target]).get(T));
});
