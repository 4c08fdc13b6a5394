// The durable queue in a real store: each endpoint's deliveries in a collection of its own (so one endpoint's backlog
// never lengthens another's look at its queue), and the expiry of deliveries settled for good.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDatabase, testMongoClient } from '@wabus/testing';
import { deliveryQueues, enqueue, expireSettled, QUEUE_PREFIX, type Delivery, type DeliveryStatus } from './delivery-queue.ts';

const delivery = (subscriptionId: string, n: number, status: DeliveryStatus, settledAt: Date | null): Delivery => ({
  _id: `${subscriptionId}-${n}`,
  subscriptionId,
  conversation: `c${n % 3}`,
  order: `00000:${String(n).padStart(20, '0')}`,
  status,
  attempts: status === 'pending' ? 0 : 1,
  nextAt: new Date(0),
  inboundAt: null,
  body: '{}',
  createdAt: new Date(0),
  leaseUntil: null,
  settledAt,
  lastError: null,
});

test("each endpoint's queue is its own collection with its indexes; settled deliveries expire, nothing else does", async (t) => {
  const mongo = await testMongoClient(t);
  const db = mongo.db(testDatabase(t, { prefix: 'dispatcher_queue' }));
  const queues = deliveryQueues(db);

  // Concurrent first uses of one queue: one collection, its indexes made once.
  const [a, again] = await Promise.all([queues.of('shop-a'), queues.of('shop-a'), queues.of('shop-b')]);
  assert.equal(a, again);
  const b = await queues.of('shop-b');
  assert.equal(a.collectionName, `${QUEUE_PREFIX}shop-a`);
  assert.ok((await a.listIndexes().toArray()).some((i) => i.name === 'queue'));
  assert.ok((await b.listIndexes().toArray()).some((i) => i.name === 'queue'));

  const old = new Date(Date.now() - 3_600_000);
  const recent = new Date();
  const statuses: [DeliveryStatus, Date | null][] = [
    ['delivered', old],
    ['cancelled', old],
    ['dead', old],
    ['unknown', old],
    ['pending', null],
    ['sending', null],
    ['delivered', recent],
  ];
  const inA = statuses.map(([s, at], n) => delivery('shop-a', n, s, at));
  assert.equal((await enqueue(a, inA)).size, inA.length);
  assert.equal((await enqueue(a, inA)).size, 0, 'the same deliveries again insert nothing');
  await enqueue(
    b,
    statuses.map(([s, at], n) => delivery('shop-b', n, s, at)),
  );
  assert.equal(await a.countDocuments({ subscriptionId: 'shop-b' }), 0, "another endpoint's deliveries are not in this queue");

  assert.equal(await expireSettled(a, new Date(Date.now() - 60_000)), 2);
  assert.deepEqual(
    (await a.find({}).sort({ order: 1 }).toArray()).map((d) => `${d.status}${d.settledAt === null ? '' : d.settledAt < recent ? ':old' : ':recent'}`),
    ['dead:old', 'unknown:old', 'pending', 'sending', 'delivered:recent'],
  );
  assert.equal(await b.countDocuments({}), statuses.length, "the other endpoint's queue is untouched");
});
