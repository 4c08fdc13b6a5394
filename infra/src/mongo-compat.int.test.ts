// The MongoDB features wabus relies on, against the store infra/ runs (mongo-java-server) or any MongoDB.
// Needs MONGODB_URI, e.g.
//   node infra/src/main.ts start test
//   MONGODB_URI='mongodb://127.0.0.1:37017/?directConnection=true' node --test infra/src/mongo-compat.int.test.ts
// Only what holds on both real MongoDB and mongo-java-server is asserted; the differences are in docs/infra.md.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from 'mongodb';

const uri = process.env.MONGODB_URI ?? '';

async function isolatedDb(t: TestContext): Promise<Db> {
  assert.ok(uri !== '', 'set MONGODB_URI (e.g. mongodb://127.0.0.1:37017/?directConnection=true)');
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(`infra_compat_${randomUUID().replaceAll('-', '')}`);
  t.after(async () => {
    await db.dropDatabase();
    await client.close();
  });
  return db;
}

function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

test('mongo: ping, insert and find round-trip a document with a Date', async (t) => {
  const db = await isolatedDb(t);
  assert.equal((await db.command({ ping: 1 })).ok, 1);
  const at = new Date();
  const docs = db.collection<{ _id: string; at: Date; n: number }>('docs');
  await docs.insertOne({ _id: 'a', at, n: 1 });
  const found = await docs.findOne({ _id: 'a' });
  assert.ok(found?.at instanceof Date);
  assert.equal(found.at.getTime(), at.getTime());
});

test('mongo: a unique index rejects a duplicate with code 11000', async (t) => {
  const db = await isolatedDb(t);
  const ledger = db.collection('ledger');
  await ledger.createIndex({ eventId: 1 }, { unique: true });
  await ledger.insertOne({ eventId: 'e1' });
  await assert.rejects(ledger.insertOne({ eventId: 'e1' }), (err: unknown) => isDuplicateKey(err));
  assert.equal(await ledger.countDocuments(), 1);
});

test('mongo: unordered insertMany keeps the non-duplicates and reports each duplicate', async (t) => {
  const db = await isolatedDb(t);
  const ledger = db.collection('ledger');
  await ledger.createIndex({ eventId: 1 }, { unique: true });
  await ledger.insertOne({ eventId: 'e1' });
  const batch = ['e2', 'e1', 'e3', 'e2'].map((eventId) => ({ eventId }));
  await assert.rejects(ledger.insertMany(batch, { ordered: false }), (err: unknown) => {
    assert.ok(err instanceof MongoBulkWriteError);
    // Not insertedCount: mongo-java-server reports the whole batch as inserted (see docs/infra.md).
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    assert.deepEqual(
      writeErrors.map((e) => [e.index, e.code]),
      [
        [1, 11000],
        [3, 11000],
      ],
    );
    return true;
  });
  assert.deepEqual((await ledger.distinct('eventId')).sort(), ['e1', 'e2', 'e3']);
});

test('mongo: findOneAndUpdate upsert with $setOnInsert and $max', async (t) => {
  const db = await isolatedDb(t);
  const conversations = db.collection<{ _id: string; createdBy?: string; lastSeq?: number; hits?: number }>('c');
  const upsert = (seq: number, by: string) =>
    conversations.findOneAndUpdate(
      { _id: 'conv-1' },
      { $setOnInsert: { createdBy: by }, $max: { lastSeq: seq }, $inc: { hits: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
  assert.deepEqual(await upsert(5, 'first'), { _id: 'conv-1', createdBy: 'first', lastSeq: 5, hits: 1 });
  assert.deepEqual(await upsert(3, 'second'), { _id: 'conv-1', createdBy: 'first', lastSeq: 5, hits: 2 });
  assert.deepEqual(await upsert(9, 'third'), { _id: 'conv-1', createdBy: 'first', lastSeq: 9, hits: 3 });
});

test('mongo: concurrent upserts on a unique key end in one document (retrying E11000)', async (t) => {
  const db = await isolatedDb(t);
  const states = db.collection('states');
  await states.createIndex({ key: 1 }, { unique: true });
  const upsertOnce = () => states.findOneAndUpdate({ key: 'k' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' });
  // Real MongoDB may raise E11000 when two upserts race to insert; one retry then matches the winner.
  const upsert = () => upsertOnce().catch((err: unknown) => (isDuplicateKey(err) ? upsertOnce() : Promise.reject(err)));
  await Promise.all(Array.from({ length: 20 }, upsert));
  assert.equal(await states.countDocuments(), 1);
  assert.equal((await states.findOne({ key: 'k' }))?.n, 20);
});

test('mongo: arrayFilters update only the matching array elements', async (t) => {
  const db = await isolatedDb(t);
  const messages = db.collection<{ _id: string; statuses: { id: number; state: string }[] }>('m');
  await messages.insertOne({
    _id: 'm1',
    statuses: [
      { id: 1, state: 'sent' },
      { id: 2, state: 'sent' },
    ],
  });
  await messages.updateOne({ _id: 'm1' }, { $set: { 'statuses.$[s].state': 'read' } }, { arrayFilters: [{ 's.id': 2 }] });
  assert.deepEqual((await messages.findOne({ _id: 'm1' }))?.statuses, [
    { id: 1, state: 'sent' },
    { id: 2, state: 'read' },
  ]);
});

test('mongo: a sparse unique index allows many documents without the field', async (t) => {
  const db = await isolatedDb(t);
  const contacts = db.collection('contacts');
  // Not partialFilterExpression: mongo-java-server ignores it and then indexes the missing field as null.
  await contacts.createIndex({ crmId: 1 }, { unique: true, sparse: true });
  await contacts.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c', crmId: 'x' }]);
  await assert.rejects(contacts.insertOne({ name: 'd', crmId: 'x' }), (err: unknown) => isDuplicateKey(err));
  assert.equal(await contacts.countDocuments(), 3);
});
