import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@wabus/projection';
import { decodeEvent } from '@wabus/events';
import { buildBody, createRng } from '@wabus/simulator';
import { ingressRecords, shuffle } from '@wabus/testing';
import { readContactFacts } from './contact-facts.ts';
import { emptyContact, stateHashOf, type ContactDocument, type ContactState } from './contact-state.ts';
import { crmWorkload } from './crm-workload.test-support.ts';
import { evolveContact, foldContact } from './evolve-contact.ts';

/** Facts per contact of a realistic workload, one body per item. */
function workloadFacts(seed: string): Map<string, ContactState[]> {
  const byId = new Map<string, ContactState[]>();
  for (const item of crmWorkload({ seed, items: 200, customers: 3 })) {
    for (const r of ingressRecords(buildBody({ items: [item] }).body, 1_700_000_000_000)) {
      for (const f of readContactFacts(decodeEvent(r.value), 'default').facts) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
    }
  }
  return byId;
}

const foldDoc = (facts: readonly ContactState[], from: ContactDocument | null = null) => {
  const doc = facts.reduce<ContactDocument | null>(evolveContact, from);
  assert.ok(doc);
  return doc;
};
const bytes = (doc: ContactDocument) => `${JSON.stringify(doc)}#${contentHash(doc)}`;

test("fold: any order of a contact's facts, with duplicates spliced in, gives one byte-identical document", () => {
  const rng = createRng('orders');
  const byId = workloadFacts('orders');
  assert.ok(byId.size >= 3);
  for (const [id, facts] of byId) {
    const docs = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const order = shuffle(rng, facts);
      for (let d = 0; d < 5; d++) order.splice(rng.int(0, order.length), 0, rng.pick(facts));
      docs.add(bytes(foldDoc(order)));
    }
    assert.equal(docs.size, 1, `contact ${id}: ${docs.size} different documents`);
  }
  const richest = [...byId.values()].sort((a, b) => b.length - a.length)[0]!;
  const state = foldDoc(richest).state;
  assert.ok(state.conversations.length >= 2, 'one contact, several business numbers');
  assert.ok(state.lastInboundMessage !== null && state.profileName !== null && state.firstSeenAt! <= state.lastSeenAt!);
});

test('fold: a fact already reflected changes nothing, and sync bookkeeping is carried over untouched', () => {
  const [facts] = [...workloadFacts('dups').values()];
  const doc = foldDoc(facts!);
  const synced: ContactDocument = { ...doc, synced: { hash: doc.stateHash, at: new Date(5) }, unsynced: false };
  for (const f of facts!) {
    assert.deepEqual(evolveContact(doc, f), doc);
    assert.deepEqual(evolveContact(synced, f), synced, 'still synced: the CRM holds exactly this state');
  }
  const later = evolveContact(synced, { ...emptyContact(doc._id), lastSeenAt: (doc.state.lastSeenAt ?? 0) + 1 });
  assert.equal(later.unsynced, true);
  assert.deepEqual(later.synced, synced.synced);
});

test('fold: marketing opt-out, the latest preference wins; in the same second stop wins', () => {
  const pref = (optOut: boolean, at: number): ContactState => ({
    ...emptyContact('5511'),
    marketingOptOut: optOut,
    marketingOptOutAt: at,
    firstSeenAt: at,
    lastSeenAt: at,
  });
  const cases: [ContactState[], boolean, number][] = [
    [[pref(true, 100), pref(false, 200), pref(true, 150)], false, 200],
    [[pref(false, 200), pref(true, 300)], true, 300],
    [[pref(false, 300), pref(true, 300)], true, 300],
    [[pref(true, 300), pref(false, 300)], true, 300],
  ];
  for (const [facts, optOut, at] of cases) {
    for (const order of [facts, [...facts].reverse()]) {
      const s = foldContact(order)!;
      assert.deepEqual([s.marketingOptOut, s.marketingOptOutAt], [optOut, at], JSON.stringify(order.map((f) => [f.marketingOptOut, f.marketingOptOutAt])));
    }
  }
  assert.equal(foldContact([{ ...emptyContact('5511'), lastSeenAt: 1 }])!.marketingOptOut, null, 'never said: unknown, not false');
});

test('fold: profile name and last message are the latest by Meta time; ties break on content, never on arrival', () => {
  const named = (name: string, at: number): ContactState => ({ ...emptyContact('1'), profileName: name, profileNameAt: at });
  assert.equal(foldContact([named('Ann', 10), named('Bob', 20), named('Cid', 15)])!.profileName, 'Bob');
  assert.equal(foldContact([named('Bob', 20), named('Ann', 20)])!.profileName, foldContact([named('Ann', 20), named('Bob', 20)])!.profileName);
  const msg = (id: string, at: number): ContactState => ({ ...emptyContact('1'), lastInboundMessage: { id, type: 'text', preview: id, at } });
  assert.equal(foldContact([msg('b', 5), msg('a', 9), msg('c', 1)])!.lastInboundMessage?.id, 'a');
});

test('fold: a state, once left, never comes back (so hash(id, state) is a safe idempotency key)', () => {
  const rng = createRng('monotone');
  for (const facts of workloadFacts('monotone').values()) {
    const order = shuffle(rng, [...facts, ...facts.slice(0, 5)]);
    const seen: string[] = [];
    let state: ContactState | null = null;
    for (const f of order) {
      state = foldContact([f], state);
      const h = stateHashOf(state!);
      if (seen.at(-1) !== h) {
        assert.ok(!seen.includes(h), 'a hash reappeared after the state had moved on');
        seen.push(h);
      }
    }
  }
});
