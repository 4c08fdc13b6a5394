import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { testEnv, uniqueName } from '@wabus/testing';
import { foldDocuments, type StateDocument } from './fold-documents.ts';

interface Tally extends StateDocument {
  seen: string[];
  total: number;
}
interface Add {
  id: string;
  amount: number;
}

// Idempotent by construction: an event id already in `seen` changes nothing; `seen` is kept sorted, so the
// document does not depend on arrival order.
const evolve = (doc: Tally | null, e: Add): Tally => {
  if (doc?.seen.includes(e.id)) return doc;
  const seen = [...(doc?.seen ?? []), e.id].sort();
  return { _id: doc?._id ?? '', seen, total: (doc?.total ?? 0) + e.amount };
};

async function collection(t: import('node:test').TestContext) {
  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  const db = client.db(uniqueName('fold'));
  t.after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });
  return db.collection<Tally>('tallies');
}

test('fold: applies in order, writes only changed documents, and counts redeliveries as unchanged', async (t) => {
  const coll = await collection(t);
  const first = await foldDocuments(coll, new Map([['a', [{ id: 'e1', amount: 1 }, { id: 'e2', amount: 2 }]], ['b', [{ id: 'e3', amount: 5 }]]]), evolve);
  assert.deepEqual(first, { unchanged: 0 });
  assert.equal(await coll.countDocuments(), 2);
  const before = await coll.find().sort({ _id: 1 }).toArray();
  const again = await foldDocuments(coll, new Map([['a', [{ id: 'e2', amount: 2 }, { id: 'e1', amount: 1 }]], ['b', [{ id: 'e3', amount: 5 }]]]), evolve);
  assert.deepEqual(again, { unchanged: 3 });
  assert.deepEqual(await coll.find().sort({ _id: 1 }).toArray(), before, 'nothing rewritten: same documents, same tokens');
  const a = await coll.findOne({ _id: 'a' });
  assert.equal(a?.total, 3);
  assert.deepEqual(a?.seen, ['e1', 'e2']);
  assert.equal(typeof a?._h, 'string');
});

test('fold: concurrent writers on the same documents (a zombie consumer) converge without losing or doubling an event', async (t) => {
  const coll = await collection(t);
  const batches = Array.from({ length: 8 }, (_, w) =>
    new Map(Array.from({ length: 5 }, (_, d) => [`doc${d}`, Array.from({ length: 4 }, (_, i) => ({ id: `w${w}-e${i}`, amount: 1 }))])),
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
  let raced = false;
  const racing = new Proxy(real, {
    get(target, prop) {
      if (prop !== 'find') {
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: Parameters<typeof real.find>) => {
        const cursor = target.find(...args);
        return {
          toArray: async () => {
            const docs = await cursor.toArray();
            if (!raced) {
              raced = true;
              await target.replaceOne({ _id: 'T' }, { seen: ['other'], total: 1, _h: 'h-other' });
              await target.insertOne({ _id: 'N', seen: ['other'], total: 1, _h: 'h-n' });
            }
            return docs;
          },
        };
      };
    },
  });
  await foldDocuments(racing, new Map([['T', [{ id: 'mine', amount: 1 }]], ['N', [{ id: 'mine', amount: 1 }]]]), evolve);
  assert.deepEqual((await real.findOne({ _id: 'T' }))?.seen, ['mine', 'other']);
  assert.deepEqual((await real.findOne({ _id: 'N' }))?.seen, ['mine', 'other']);
  assert.equal((await real.findOne({ _id: 'T' }))?.total, 2);
});
