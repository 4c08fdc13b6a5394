import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projection } from './projection.ts';
import { racingCollection } from './racing-collection.test-support.ts';
import { evolveTally, tallies, type Add, type Tally } from './tally.test-support.ts';

/** An event adds its amount to each tally it names (none: not this projection's). */
interface Ev {
  id: string;
  tallies: string[];
}
const factsOf = (e: Ev) => e.tallies.map((id) => ({ id, fact: { id: e.id, amount: 1 } satisfies Add }));

test('projection: per event, applied when any of its facts changed a document, duplicate when none did, ignored without facts', async (t) => {
  const coll = await tallies(t);
  const p = projection({ collection: coll, factsOf, evolve: evolveTally });
  const e1 = { id: 'e1', tallies: ['a'] };
  const e2 = { id: 'e2', tallies: ['a', 'b'] };
  const other = { id: 'x', tallies: [] };
  assert.deepEqual(await p.apply([e1, e2, other]), ['applied', 'applied', 'ignored']);
  assert.deepEqual(await p.apply([e2, e1, other, e1]), ['duplicate', 'duplicate', 'ignored', 'duplicate'], 'a redelivery, in another order');
  // e3 is new to b only, e1 again in the same batch: only the first of two copies of one event applies.
  const e3 = { id: 'e3', tallies: ['a', 'c'] };
  assert.deepEqual(await p.apply([e3, e3, e1]), ['applied', 'duplicate', 'duplicate']);
  const docs = await coll.find().sort({ _id: 1 }).toArray();
  assert.deepEqual(
    docs.map((d) => [d._id, d.seen, d.total]),
    [
      ['a', ['e1', 'e2', 'e3'], 3],
      ['b', ['e2'], 1],
      ['c', ['e3'], 1],
    ],
  );
  assert.deepEqual(await p.apply([]), []);
});

test('projection: after a lost conditional replace, an event the other writer had applied is a duplicate; one it had not is applied', async (t) => {
  const real = await tallies(t);
  await real.insertMany([
    { _id: 'a', seen: [], total: 0, _h: 'a0' },
    { _id: 'b', seen: [], total: 0, _h: 'b0' },
  ] satisfies Tally[]);
  // Replaces only (no insert error to report the bulk): the store says 1 of 2 matched, not which.
  const racing = racingCollection(real, async (c) => {
    await c.replaceOne({ _id: 'a' }, { seen: ['theirs'], total: 1, _h: 'a-theirs' });
  });
  const p = projection({ collection: racing, factsOf, evolve: evolveTally });
  // "theirs" reached a through the other writer; "mine" and "both" did not (b's replace landed on the first try).
  const outcomes = await p.apply([
    { id: 'theirs', tallies: ['a'] },
    { id: 'mine', tallies: ['a'] },
    { id: 'both', tallies: ['a', 'b'] },
  ]);
  assert.deepEqual(outcomes, ['duplicate', 'applied', 'applied']);
  assert.deepEqual((await real.findOne({ _id: 'a' }))?.seen, ['both', 'mine', 'theirs']);
  assert.equal((await real.findOne({ _id: 'a' }))?.total, 3, 'each event once');
  assert.deepEqual((await real.findOne({ _id: 'b' }))?.seen, ['both']);
});

test('projection: a document id with a lone surrogate (legal JSON, stored as U+FFFD) is found again: applied once, then a duplicate', async (t) => {
  const coll = await tallies(t);
  const p = projection({ collection: coll, factsOf, evolve: evolveTally });
  // Without the store's form, the first insert is never found again under '\ud800': every later round collides with
  // it and the batch fails with WABUS_DEDUP_CONFLICT, forever.
  const lone = { id: 'e1', tallies: ['\ud800'] };
  assert.deepEqual(await p.apply([lone]), ['applied']);
  assert.deepEqual(await p.apply([lone, { id: 'e2', tallies: ['\ud800'] }]), ['duplicate', 'applied']);
  const docs = await coll.find().toArray();
  assert.deepEqual(
    docs.map((d) => [d._id, d.seen]),
    [['\ufffd', ['e1', 'e2']]],
  );
});
