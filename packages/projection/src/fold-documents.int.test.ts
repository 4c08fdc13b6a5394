import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldDocuments } from './fold-documents.ts';
import { racingCollection } from './racing-collection.test-support.ts';
import { evolveTally as evolve, tallies as collection } from './tally.test-support.ts';

test('fold: applies in order, writes only changed documents, and counts redeliveries as unchanged', async (t) => {
  const coll = await collection(t);
  const first = await foldDocuments(
    coll,
    new Map([
      [
        'a',
        [
          { id: 'e1', amount: 1 },
          { id: 'e2', amount: 2 },
        ],
      ],
      ['b', [{ id: 'e3', amount: 5 }]],
    ]),
    evolve,
  );
  assert.equal(first.unchanged, 0);
  assert.deepEqual(
    first.changed,
    new Map([
      ['a', [true, true]],
      ['b', [true]],
    ]),
  );
  assert.equal(await coll.countDocuments(), 2);
  const before = await coll.find().sort({ _id: 1 }).toArray();
  const again = await foldDocuments(
    coll,
    new Map([
      [
        'a',
        [
          { id: 'e2', amount: 2 },
          { id: 'e1', amount: 1 },
        ],
      ],
      ['b', [{ id: 'e3', amount: 5 }]],
    ]),
    evolve,
  );
  assert.equal(again.unchanged, 3);
  assert.deepEqual(
    again.changed,
    new Map([
      ['a', [false, false]],
      ['b', [false]],
    ]),
  );
  assert.deepEqual(await coll.find().sort({ _id: 1 }).toArray(), before, 'nothing rewritten: same documents, same tokens');
  const a = await coll.findOne({ _id: 'a' });
  assert.equal(a?.total, 3);
  assert.deepEqual(a?.seen, ['e1', 'e2']);
  assert.equal(typeof a?._h, 'string');
});

test('fold: concurrent writers on the same documents (a zombie consumer) converge without losing or doubling an event', async (t) => {
  const coll = await collection(t);
  const batches = Array.from(
    { length: 8 },
    (_, w) => new Map(Array.from({ length: 5 }, (_, d) => [`doc${d}`, Array.from({ length: 4 }, (_, i) => ({ id: `w${w}-e${i}`, amount: 1 }))])),
  );
  await Promise.all(batches.map((b) => foldDocuments(coll, b, evolve)));
  // Half of the events again, as a redelivery racing the original.
  await Promise.all(batches.slice(0, 4).map((b) => foldDocuments(coll, b, evolve)));
  const docs = await coll.find().sort({ _id: 1 }).toArray();
  assert.equal(docs.length, 5);
  for (const d of docs) {
    assert.equal(d.seen.length, 32, `${d._id} seen ${JSON.stringify(d.seen)}`);
    assert.equal(d.total, 32, `${d._id}: 8 writers × 4 events, each once`);
    assert.equal(d.seen.length, 32);
  }
});

test('fold: a stale replace in the same bulk as a duplicate-key insert is re-folded, not lost', async (t) => {
  const real = await collection(t);
  await real.insertOne({ _id: 'T', seen: [], total: 0, _h: 'h0' });
  // Another writer acts between the fold's read and its write: it updates T and inserts N first.
  const racing = racingCollection(real, async (c) => {
    await c.replaceOne({ _id: 'T' }, { seen: ['other'], total: 1, _h: 'h-other' });
    await c.insertOne({ _id: 'N', seen: ['other'], total: 1, _h: 'h-n' });
  });
  const folded = await foldDocuments(
    racing,
    new Map([
      ['T', [{ id: 'mine', amount: 1 }]],
      ['N', [{ id: 'mine', amount: 1 }]],
    ]),
    evolve,
  );
  assert.deepEqual((await real.findOne({ _id: 'T' }))?.seen, ['mine', 'other']);
  assert.deepEqual((await real.findOne({ _id: 'N' }))?.seen, ['mine', 'other']);
  assert.equal((await real.findOne({ _id: 'T' }))?.total, 2);
  assert.deepEqual(
    folded.changed,
    new Map([
      ['T', [true]],
      ['N', [true]],
    ]),
    'the re-fold over the other writer\'s versions is what was stored, and it applied "mine"',
  );
});

test('fold: after a conflict, a fact the other writer had already applied counts as unchanged, not as the lost first attempt', async (t) => {
  const real = await collection(t);
  await real.insertMany([
    { _id: 'T', seen: [], total: 0, _h: 'h0' },
    { _id: 'U', seen: [], total: 0, _h: 'u0' },
  ]);
  // The other writer (a zombie with the same batch) applies "mine" to T and N between our read and our write; U it
  // leaves alone, so our replace of U lands in the same bulk as the failed one of T.
  const racing = racingCollection(real, async (c) => {
    await c.replaceOne({ _id: 'T' }, { seen: ['mine'], total: 1, _h: 'h-theirs' });
    await c.insertOne({ _id: 'N', seen: ['mine'], total: 1, _h: 'n-theirs' });
  });
  const folded = await foldDocuments(
    racing,
    new Map([
      ['T', [{ id: 'mine', amount: 1 }]],
      ['N', [{ id: 'mine', amount: 1 }]],
      ['U', [{ id: 'mine', amount: 1 }]],
    ]),
    evolve,
  );
  assert.deepEqual(
    folded.changed,
    new Map([
      ['T', [false]],
      ['N', [false]],
      ['U', [true]],
    ]),
  );
  assert.equal(folded.unchanged, 2);
  for (const id of ['T', 'N', 'U']) {
    const doc = await real.findOne({ _id: id });
    assert.deepEqual([doc?.seen, doc?.total], [['mine'], 1], `${id}: applied once`);
  }
  assert.equal((await real.findOne({ _id: 'T' }))?._h, 'h-theirs', 'T is not rewritten');
});
