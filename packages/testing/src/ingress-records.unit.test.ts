import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { buildBody, createGenContext, createRng, createWorld, generateItem, type GeneratedItem } from '@wabus/simulator';
import { deliverItems, ingressRecords, shuffle } from './ingress-records.ts';

function items(n: number): GeneratedItem[] {
  const rng = createRng('items');
  const ctx = createGenContext({ rng: rng.fork('gen'), world: createWorld(rng.fork('world'), { customers: 5 }), now: () => Date.UTC(2025, 5, 1) });
  return Array.from({ length: n }, () => generateItem(ctx, 'text'));
}

const wamids = (records: { value: Buffer }[]) => records.map((r) => decodeEvent(r.value).itemId);

test('ingressRecords: one record per item, keyed by conversation, with the receivedAt and headers given', () => {
  const some = items(3);
  const records = ingressRecords(buildBody({ items: some }).body, 1_700_000_000_000, { origin: 'test' });
  assert.equal(records.length, 3);
  const events = records.map((r) => decodeEvent(r.value));
  assert.deepEqual(
    records.map((r) => r.key),
    events.map((e) => e.key),
  );
  assert.ok(events.every((e) => e.receivedAt === 1_700_000_000_000));
  assert.ok(records.every((r) => r.headers?.['origin'] === 'test'));
  assert.equal(
    ingressRecords(buildBody({ items: some }).body, 1).every((r) => r.headers === undefined),
    true,
    'no headers unless given',
  );
  assert.throws(() => ingressRecords(Buffer.from('{"object":"page","entry":[]}'), 1), /body rejected: wrong_object/);
});

test('shuffle: a permutation, the same for the same seed', () => {
  const list = Array.from({ length: 50 }, (_, i) => i);
  const a = shuffle(createRng('s'), list);
  assert.deepEqual(shuffle(createRng('s'), list), a);
  assert.notDeepEqual(a, list);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    list,
  );
});

test('deliverItems: every item at least once, a share of bodies again (Meta retries), the same records for the same seed', () => {
  const some = items(200);
  const once = deliverItems(some, { seed: 'd', maxPerBody: 3, retryShare: 0 });
  assert.deepEqual(
    [...wamids(once)].sort(),
    wamids(some.map((i) => ingressRecords(buildBody({ items: [i] }).body, 1)[0]!)).sort(),
    'each item exactly once without retries',
  );
  const retried = deliverItems(some, { seed: 'd', maxPerBody: 3 });
  assert.ok(retried.length > once.length, 'retried bodies add records');
  assert.deepEqual(new Set(wamids(retried)), new Set(wamids(once)), 'retries bring no new items');
  assert.deepEqual(deliverItems(some, { seed: 'd', maxPerBody: 3 }), retried, 'seeded');
});
