// Where mongo-java-server (the emulator every store test runs on) answers otherwise than MongoDB, and what SecantusDB
// answers: each row of docs/stores.md's table, as driver calls against MONGODB_URI, asserting the answer of the store
// it finds there. mongo-java-server is told by its buildInfo (no gitVersion); any other store must answer as MongoDB
// does, which SecantusDB does on every row. When a store changes its answer, this fails: update docs/stores.md.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { startPrivateMongo } from './private-mongo.ts';

const uri = process.env.MONGODB_URI ?? '';

async function connect(t: TestContext, at = uri): Promise<{ client: MongoClient; db: Db; emulator: boolean; inserts: Document[] }> {
  assert.ok(at !== '', 'set MONGODB_URI');
  const client = new MongoClient(at, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
  await client.connect();
  const inserts: Document[] = [];
  client.on('commandSucceeded', (e) => void (e.commandName === 'insert' && inserts.push(e.reply as Document)));
  const db = client.db(`store_diff_${randomUUID().replaceAll('-', '')}`);
  t.after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });
  const emulator = (await db.admin().command({ buildInfo: 1 }))['gitVersion'] === undefined;
  return { client, db, emulator, inserts };
}

/** The error's code, or its message when it has none: what a row compares. */
const failure = (err: unknown) => (err instanceof MongoServerError && err.code !== undefined ? { code: err.code } : { message: (err as Error).message });

test('store: a duplicate key error names the key (keyValue) on MongoDB, not on the emulator', async (t) => {
  const { db, emulator } = await connect(t);
  const c = db.collection('c');
  await c.createIndex({ k: 1 }, { unique: true });
  await c.insertOne({ k: 1 });
  const err = await c.insertOne({ k: 1 }).then(
    () => assert.fail('no E11000'),
    (e: MongoServerError) => e,
  );
  assert.deepEqual([err.code, err.keyValue ?? null, err.errorResponse['keyPattern'] ?? null], emulator ? [11000, null, null] : [11000, { k: 1 }, { k: 1 }]);
});

test('store: a bulk insert with duplicates — the server names keyValue per write error (not the emulator), the driver drops it; insertedCount right only on MongoDB', async (t) => {
  const { db, emulator, inserts } = await connect(t);
  const c = db.collection('c');
  await c.createIndex({ k: 1 }, { unique: true });
  await c.insertMany([{ k: 1 }, { k: 2 }]);
  const err = await c.insertMany([{ k: 1 }, { k: 3 }, { k: 2 }, { k: 4 }], { ordered: false }).then(
    () => assert.fail('no bulk write error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MongoBulkWriteError);
  const driver = (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]).map((w) => [
    w.index,
    w.code,
    w.errInfo?.['keyValue'] ?? 'keyValue' in w,
  ]);
  assert.deepEqual(driver, [
    [0, 11000, false],
    [2, 11000, false],
  ]);
  const server = (inserts.at(-1)?.['writeErrors'] as Document[]).map((w) => [w['index'], w['keyValue'] ?? null]);
  assert.deepEqual(
    server,
    emulator
      ? [
          [0, null],
          [2, null],
        ]
      : [
          [0, { k: 1 }],
          [2, { k: 2 }],
        ],
  );
  assert.equal(err.insertedCount, emulator ? 4 : 2);
});

test('store: pipeline-style updates and the $set stage work on MongoDB, fail on the emulator', async (t) => {
  const { db, emulator } = await connect(t);
  const c = db.collection<{ _id: string; x?: number; y?: number }>('c');
  await c.insertOne({ _id: 'a', x: 1 });
  const update = await c.updateOne({ _id: 'a' }, [{ $set: { y: { $add: ['$x', 2] } } }]).then(
    async () => (await c.findOne({ _id: 'a' }))?.y,
    (e: unknown) => (failure(e).code === undefined ? 'fails' : failure(e)),
  );
  assert.deepEqual(update, emulator ? 'fails' : 3);
  const stage = await c
    .aggregate([{ $set: { z: 1 } }])
    .toArray()
    .then((docs) => docs.length, failure);
  assert.deepEqual(stage, emulator ? { code: 40324 } : 1);
});

test('store: listCollections honours its filter on MongoDB; the emulator lists every collection', async (t) => {
  const { db, emulator } = await connect(t);
  for (const name of ['aa', 'bb', 'cc']) await db.createCollection(name);
  const names = (await db.listCollections({ name: 'aa' }, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  assert.deepEqual(names, emulator ? ['aa', 'bb', 'cc'] : ['aa']);
});

test('store: a partial unique index and a collation apply on MongoDB; the emulator ignores both', async (t) => {
  const { db, emulator } = await connect(t);
  const partial = db.collection('partial');
  await partial.createIndex({ x: 1 }, { unique: true, partialFilterExpression: { x: { $exists: true } } });
  const missing = await partial.insertMany([{ a: 1 }, { a: 2 }]).then((r) => r.insertedCount, failure);
  assert.deepEqual(missing, emulator ? { code: 11000 } : 2);
  const words = db.collection('words');
  await words.insertMany([{ s: 'a' }, { s: 'A' }]);
  assert.equal(await words.countDocuments({ s: 'a' }, { collation: { locale: 'en', strength: 2 } }), emulator ? 1 : 2);
});

test("store: replaceOne stores the replacement's key order on MongoDB; the emulator keeps the old document's", async (t) => {
  const { db, emulator } = await connect(t);
  const c = db.collection<{ _id: string; x: number; y: number }>('c');
  await c.insertOne({ _id: 'a', x: 1, y: 2 });
  await c.replaceOne({ _id: 'a' }, { y: 3, x: 4 });
  assert.deepEqual(Object.keys((await c.findOne({ _id: 'a' }))!), emulator ? ['_id', 'x', 'y'] : ['_id', 'y', 'x']);
});

test('store: sessions, transactions and hello exist on MongoDB (SecantusDB reports a replica set), not on the emulator', async (t) => {
  const { client, db, emulator } = await connect(t);
  const c = db.collection('c');
  await c.insertOne({ n: 0 });
  const session = client.startSession();
  const committed = await session
    .withTransaction(async () => void (await c.insertOne({ n: 1 }, { session })))
    .then(async () => c.countDocuments({ n: 1 }), failure)
    .finally(() => session.endSession());
  assert.deepEqual(committed, emulator ? { message: 'Current topology does not support sessions' } : 1);
  const hello = await db
    .admin()
    .command({ hello: 1 })
    .then((r) => r['isWritablePrimary'] as boolean, failure);
  assert.deepEqual(hello, emulator ? { code: 59 } : true);
});

test("store: dropIndex on one collection drops only that collection's index on MongoDB; on the emulator every same-named index (a private store)", async (t) => {
  const store = await startPrivateMongo();
  t.after(() => store.stop());
  const { db, emulator } = await connect(t, store.uri);
  await db.collection('one').createIndex({ q: 1 });
  await db.collection('two').createIndex({ q: 1 });
  await db.collection('one').dropIndex('q_1');
  assert.deepEqual((await db.collection('two').indexes()).map((i) => i.name).sort(), emulator ? ['_id_'] : ['_id_', 'q_1']);
});
