import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { buildBody, createGenContext, createRng, createWorld, generateItem, type GeneratedItem } from '@wabus/simulator';
import { ingressRecords } from '@wabus/testing';
import { groupStatusFacts } from './status-handler.ts';
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

test('group: statuses grouped per message in offset order; other kinds ignored; a status without an id rejected with a code', () => {
  const items = statusWorkload({ seed: 'group', messages: 6 }).map((w) => w.item);
  const first = items[0]!;
  const idless: GeneratedItem = { ...first, payload: { ...first.payload, id: undefined } };
  const events = eventsOf([...items, idless]);
  const records = events.map((event, i) => ({ offset: String(100 + i), event }));
  const { byId, rejected, ignored } = groupStatusFacts(records);
  assert.equal(rejected.length, 1);
  // buildBody groups items into changes, so the id-less one is wherever its change put it.
  assert.equal(rejected[0]!.offset, String(100 + events.findIndex((e) => e.kind === 'status' && e.itemId === null)));
  assert.equal((rejected[0]!.error as { code?: string }).code, 'WABUS_STATUS_TRACKER_INVALID');
  assert.equal(ignored, events.filter((e) => e.kind !== 'status').length);
  const facts = [...byId.values()].flat();
  assert.equal(facts.length + ignored + 1, events.length);
  for (const [id, list] of byId) assert.ok(list.every((f) => f.id === id));
  assert.deepEqual(
    byId.get(first.id!)!.map((f) => f.status),
    events.filter((e) => e.kind === 'status' && e.itemId === first.id).map((e) => e.itemType),
    'offset order kept',
  );
});
