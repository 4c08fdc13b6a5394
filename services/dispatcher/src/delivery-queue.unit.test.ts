import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanesOf, type Delivery, type DeliveryStatus } from './delivery-queue.ts';

const now = new Date(10_000);
const d = (id: string, conversation: string, order: string, status: DeliveryStatus = 'pending', nextAt = 0): Delivery => ({
  _id: id,
  subscriptionId: 's',
  conversation,
  order,
  status,
  attempts: 0,
  nextAt: new Date(nextAt),
  inboundAt: null,
  body: '{}',
  createdAt: new Date(0),
  leaseUntil: null,
  settledAt: null,
  lastError: null,
});

test('lanes: one per conversation, in log order from its head; a head in flight or not due holds its whole conversation', () => {
  const open = [
    d('a1', 'A', '1'),
    d('b1', 'B', '2', 'sending'),
    d('a2', 'A', '3'),
    d('c1', 'C', '4', 'pending', 20_000),
    d('b2', 'B', '5'),
    d('d1', 'D', '6'),
    d('c2', 'C', '7'),
    d('a3', 'A', '8', 'pending', 20_000),
  ];
  assert.deepEqual(
    lanesOf(open, now).map((lane) => lane.map((x) => x._id)),
    [['a1', 'a2', 'a3'], ['d1']],
  );
  assert.deepEqual(lanesOf([], now), []);
});
