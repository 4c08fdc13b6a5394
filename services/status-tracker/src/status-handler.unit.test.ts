import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { buildBody, createGenContext, createRng, createWorld, generateItem, type GeneratedItem } from '@wabus/simulator';
import { ingressRecords } from '@wabus/testing';
import { readStatusRecords } from './status-handler.ts';
import { readStatusFact } from './status-fact.ts';
import { statusWorkload } from './status-workload.test-support.ts';

const eventsOf = (items: GeneratedItem[]): WhatsAppEvent[] => {
  const exploded = explodeWebhook(buildBody({ items }).body, { receivedAt: 1_748_779_200_000 });
  assert.ok(exploded.ok);
  return exploded.events;
};

test('fact: a failed status as Meta sends it reads with its id, number, recipient and coded errors', () => {
  const rng = createRng('fact');
  const ctx = createGenContext({ rng, world: createWorld(rng), now: () => 1_748_779_200_000 });
  const item = generateItem(ctx, 'status_failed');
  const [event] = eventsOf([item]);
  const read = readStatusFact(event!);
  assert.equal(read.kind, 'fact');
  if (read.kind !== 'fact') return;
  assert.equal(read.fact.id, item.id);
  assert.equal(read.fact.status, 'failed');
  assert.equal(read.fact.phoneNumberId, item.business?.phoneNumberId);
  assert.equal(typeof read.fact.timestamp, 'number');
  assert.ok(read.fact.errors.length === 1 && typeof read.fact.errors[0]!.code === 'number');
  assert.ok(read.fact.recipientId !== null || read.fact.recipientUserId !== null);
});

test('fact: the same item delivered twice (a Meta retry) is the same fact', () => {
  const [w] = statusWorkload({ seed: 'retry', messages: 1 });
  const body = buildBody({ items: [w!.item] }).body;
  const [a, b] = [ingressRecords(body, 1), ingressRecords(body, 999_999)].map((r) => readStatusFact(decodeEvent(r[0]!.value)));
  assert.deepEqual(a, b);
});

test('read: each status record has its fact, filed under its message id; other kinds have none; a status without an id is rejected with a code', () => {
  const items = statusWorkload({ seed: 'group', messages: 6 }).map((w) => w.item);
  const first = items[0]!;
  const idless: GeneratedItem = { ...first, payload: { ...first.payload, id: undefined } };
  const events = eventsOf([...items, idless]);
  const records = events.map((event, i) => ({ offset: String(100 + i), event }));
  const { read, rejected } = readStatusRecords(records);
  assert.equal(rejected.length, 1);
  // buildBody groups items into changes, so the id-less one is wherever its change put it.
  const idlessAt = events.findIndex((e) => e.kind === 'status' && e.itemId === null);
  assert.equal(rejected[0]!.offset, String(100 + idlessAt));
  assert.equal((rejected[0]!.error as { code?: string }).code, 'WABUS_STATUS_TRACKER_INVALID');
  assert.deepEqual(
    read.map((r) => r.offset),
    records.map((r) => r.offset),
  );
  read.forEach((r, i) => {
    const e = events[i]!;
    if (e.kind !== 'status' || i === idlessAt) assert.deepEqual(r.facts, [], `${e.kind} at ${r.offset}: no fact`);
    else
      assert.deepEqual(
        r.facts.map((f) => [f.id, f.fact.id, f.fact.status]),
        [[e.itemId, e.itemId, e.itemType]],
      );
  });
});
