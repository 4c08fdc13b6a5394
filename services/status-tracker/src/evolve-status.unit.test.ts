import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from '@wabus/projection';
import { createRng } from '@wabus/simulator';
import { evolveStatus } from './evolve-status.ts';
import type { StatusFact } from './status-fact.ts';
import type { StatusDocument } from './status-document.ts';
import { error, fact, permutations } from './fact.test-support.ts';

const fold = (facts: readonly StatusFact[], from: StatusDocument | null = null): StatusDocument => {
  const doc = facts.reduce<StatusDocument | null>(evolveStatus, from);
  assert.ok(doc);
  return doc;
};
/** The bytes the store would get: JSON of the whole document, plus its content hash. */
const bytes = (doc: StatusDocument) => `${JSON.stringify(doc)}#${contentHash(doc)}`;

const FIVE: StatusFact[] = [
  fact('sent', 100, {
    pricing: { billable: true, pricingModel: 'CBP', category: 'marketing', type: null },
    conversation: { id: 'c1', expirationTimestamp: 86_500, originType: 'marketing' },
  }),
  fact('delivered', 100, { pricing: { billable: true, pricingModel: 'PMP', category: 'marketing', type: 'regular' } }),
  fact('read', 130, { bizOpaqueCallbackData: 'order=1' }),
  fact('failed', 120, { errors: [error(131047, 'Re-engagement message')] }),
  fact('deleted', 140),
];

test('evolve: all 120 orders of five statuses (failed and an unknown one among them), with duplicates, give one byte-identical document', () => {
  const rng = createRng('perm');
  const docs = new Set<string>();
  for (const order of permutations(FIVE)) {
    docs.add(bytes(fold(order)));
    // The same order with redeliveries spliced in anywhere (Meta retries, consumer replays).
    const withDuplicates = [...order];
    for (let i = 0; i < 4; i++) withDuplicates.splice(rng.int(0, withDuplicates.length), 0, rng.pick(order));
    docs.add(bytes(fold(withDuplicates)));
  }
  assert.equal(docs.size, 1, [...docs].join('\n'));
  const doc = fold(FIVE);
  assert.equal(doc.status, 'failed');
  assert.equal(doc.progress, 'read');
  assert.deepEqual(doc.firstSeen, { sent: 100, delivered: 100, read: 130, failed: 120 });
  assert.deepEqual([doc.sentAt, doc.deliveredAt, doc.readAt, doc.firstTimestamp, doc.lastTimestamp], [100, 100, 130, 100, 140]);
  assert.deepEqual(
    doc.history.map((h) => [h.status, h.timestamp]),
    [
      ['sent', 100],
      ['delivered', 100],
      ['failed', 120],
      ['read', 130],
      ['deleted', 140],
    ],
  );
  assert.deepEqual(
    doc.errors.map((e) => e.code),
    [131047],
  );
  assert.equal(doc.pricing?.pricingModel, 'PMP', 'same second: the higher rank (delivered) is the later one');
  assert.equal(doc.conversation?.id, 'c1');
  assert.equal(doc.bizOpaqueCallbackData, 'order=1');
});

test('evolve: applying any fact again to the folded document changes nothing (idempotent)', () => {
  const doc = fold(FIVE);
  for (const f of FIVE) assert.equal(bytes(evolveStatus(doc, f)), bytes(doc));
  // Also when the document made a round trip through JSON (the store gives back plain objects).
  const reloaded = JSON.parse(JSON.stringify({ ...doc, _h: contentHash(doc) })) as StatusDocument;
  for (const f of FIVE) assert.equal(contentHash(evolveStatus(reloaded, f)), contentHash(doc));
});

test('evolve: random sets of facts (ties, unknowns, participants, errors, pricing, tenants) fold to one document in any order', () => {
  const rng = createRng('random-sets');
  const statuses = ['sent', 'delivered', 'read', 'played', 'failed', 'deleted', null];
  for (let round = 0; round < 200; round++) {
    const facts = Array.from({ length: rng.int(1, 7) }, () =>
      fact(rng.pick(statuses), rng.chance(0.1) ? null : 100 + rng.int(0, 3), {
        participantId: rng.chance(0.3) ? rng.pick(['p1', 'p2']) : null,
        recipientUserId: rng.chance(0.3) ? rng.pick(['BR.u1', 'BR.u2']) : null,
        errors: rng.chance(0.3) ? [error(rng.pick([131047, 131026, 130472]))] : [],
        pricing: rng.chance(0.5) ? { billable: rng.chance(0.5), pricingModel: rng.pick(['CBP', 'PMP']), category: 'utility', type: null } : null,
        conversation: rng.chance(0.3) ? { id: rng.pick(['c1', 'c2']), expirationTimestamp: null, originType: 'utility' } : null,
        bizOpaqueCallbackData: rng.chance(0.2) ? rng.pick(['x', 'y']) : null,
        tenantId: rng.chance(0.5) ? rng.pick(['acme', 'globex']) : null,
      }),
    );
    const expected = bytes(fold(facts));
    for (let k = 0; k < 10; k++) {
      const shuffled = [...facts, ...facts.filter(() => rng.chance(0.4))].sort(() => rng.next() - 0.5);
      assert.equal(bytes(fold(shuffled)), expected, `round ${round}`);
    }
  }
});

test('evolve: a late or duplicate lower status never moves a message back', () => {
  const doc = fold([fact('delivered', 105), fact('read', 110), fact('sent', 100), fact('delivered', 105), fact('sent', 101)]);
  assert.equal(doc.status, 'read');
  assert.deepEqual(doc.firstSeen, { sent: 100, delivered: 105, read: 110 }, 'first-seen is the minimum');
  assert.equal(doc.history.length, 4, 'two distinct sent facts, the duplicate delivered once');
  assert.equal(fold([fact('played', 120), fact('read', 110)]).status, 'played');
});

test('evolve: failed is kept — not overwritten by a late sent, nor by delivered or read arriving after it', () => {
  assert.equal(fold([fact('failed', 100, { errors: [error(131026)] }), fact('sent', 99)]).status, 'failed');
  const doc = fold([fact('sent', 99), fact('failed', 100, { errors: [error(131026)] }), fact('delivered', 101), fact('read', 102)]);
  assert.equal(doc.status, 'failed');
  assert.equal(doc.progress, 'read', 'the steps seen are still recorded');
  assert.deepEqual(doc.errors, [error(131026)]);
  // Two failures: their errors are unioned, sorted by code.
  const twice = fold([fact('failed', 100, { errors: [error(131047)] }), fact('failed', 100, { errors: [error(131026), error(131047)] })]);
  assert.deepEqual(
    twice.errors.map((e) => e.code),
    [131026, 131047],
  );
  assert.equal(twice.history.length, 1);
});

test('evolve: skipped steps are fine; statuses of messages never seen are stored all the same', () => {
  const doc = fold([fact('read', 110, { id: 'wamid.never-sent' })]);
  assert.equal(doc._id, 'wamid.never-sent');
  assert.equal(doc.status, 'read');
  assert.deepEqual([doc.sentAt, doc.deliveredAt, doc.readAt], [null, null, 110]);
});

test('evolve: unknown status strings are history only; a status without a timestamp still counts', () => {
  const onlyUnknown = fold([fact('deleted', 100)]);
  assert.equal(onlyUnknown.status, null);
  assert.equal(onlyUnknown.progress, null);
  assert.deepEqual(
    onlyUnknown.history.map((h) => h.status),
    ['deleted'],
  );
  assert.equal(fold([fact('read', 110), fact('deleted', 200), fact('warning', 300)]).status, 'read');
  const untimed = fold([fact('delivered', null)]);
  assert.equal(untimed.status, 'delivered');
  assert.deepEqual(untimed.firstSeen, {});
  assert.equal(untimed.firstTimestamp, null);
});

test('evolve: pricing and conversation are the latest by (timestamp, rank), with where they came from', () => {
  const cbp = { billable: true, pricingModel: 'CBP', category: 'utility', type: null };
  const pmp = { billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' };
  const doc = fold([
    fact('read', 101, { pricing: cbp }),
    fact('delivered', 102, { pricing: pmp }),
    fact('sent', 100, { conversation: { id: 'c9', expirationTimestamp: 86_500, originType: 'utility' } }),
  ]);
  assert.deepEqual(doc.pricing, { ...pmp, asOf: { status: 'delivered', timestamp: 102 } }, 'a later timestamp beats a higher rank');
  assert.deepEqual(doc.conversation, { id: 'c9', expirationTimestamp: 86_500, originType: 'utility', asOf: { status: 'sent', timestamp: 100 } });
  assert.equal(fold([fact('sent', 100, { pricing: pmp })]).pricing?.asOf.status, 'sent', 'kept when no later status carries one');
});

test('evolve: group sends keep the group as recipient and every participant, each participant fact distinct', () => {
  const group = { recipientId: '120363040000000000', recipientType: 'group' };
  const doc = fold([
    fact('delivered', 105, { ...group, participantId: '5511999990002' }),
    fact('delivered', 105, { ...group, participantId: '5511999990001' }),
    fact('read', 108, { ...group, participantId: '5511999990001', participantUserId: 'BR.1' }),
    fact('sent', 100, group),
  ]);
  assert.deepEqual(doc.recipient, {
    id: '120363040000000000',
    userId: null,
    type: 'group',
    participantIds: ['5511999990001', '5511999990002'],
    participantUserIds: ['BR.1'],
  });
  assert.deepEqual(
    doc.history.map((h) => [h.status, h.participant]),
    [
      ['sent', null],
      ['delivered', '5511999990001'],
      ['delivered', '5511999990002'],
      ['read', '5511999990001'],
    ],
  );
  assert.equal(doc.status, 'read');
});

test('evolve: the tenant is the one any fact names, whichever fact came first; tenantless facts never erase it', () => {
  // A record from before tenants (tenantId null) among the statuses of a tenant's message, in all 24 orders.
  const facts = [fact('sent', 100), fact('delivered', 101, { tenantId: 'acme' }), fact('read', 102, { tenantId: 'acme' }), fact('deleted', 103)];
  const docs = new Set(permutations(facts).map((order) => bytes(fold(order))));
  assert.equal(docs.size, 1, [...docs].join('\n'));
  assert.equal(fold(facts).tenantId, 'acme');
  assert.equal(fold([fact('sent', 100), fact('read', 102)]).tenantId, null, 'no fact names a tenant: null');
  // Two tenants for one wamid should never happen; if it does, the least id is kept in every order, not the first.
  const split = [fact('sent', 100, { tenantId: 'globex' }), fact('delivered', 101, { tenantId: 'acme' }), fact('read', 102)];
  assert.deepEqual([...new Set(permutations(split).map((order) => fold(order).tenantId))], ['acme']);
});

test('evolve: a document stored before tenants (no tenantId field) takes the tenant of its next fact, and the same bytes as a fresh fold', () => {
  const { tenantId: _dropped, ...old } = fold([fact('sent', 100)]);
  const stored = JSON.parse(JSON.stringify({ ...old, _h: contentHash(old) })) as StatusDocument;
  assert.equal('tenantId' in stored, false);
  const next = evolveStatus(stored, fact('delivered', 101, { tenantId: 'acme' }));
  assert.equal(next.tenantId, 'acme');
  assert.equal(bytes(next), bytes(fold([fact('sent', 100), fact('delivered', 101, { tenantId: 'acme' })])));
  const still = evolveStatus(stored, fact('delivered', 101));
  assert.equal(still.tenantId, null, 'a tenantless fact gives null, never undefined (the content hash needs the field)');
  assert.equal(bytes(still), bytes(fold([fact('sent', 100), fact('delivered', 101)])));
});
