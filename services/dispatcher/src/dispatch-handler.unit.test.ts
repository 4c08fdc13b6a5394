import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import { REPLAY_HEADER, type ConsumedRecord } from '@wabus/kafka';
import { buildBody, createGenContext, createRng, createWorld, generateItem } from '@wabus/simulator';
import { ingressRecords } from '@wabus/testing';
import { deliveriesOf } from './dispatch-handler.ts';
import { deliveryIdOf } from './sign-delivery.ts';
import type { Subscription } from './subscription.ts';

const rng = createRng('dispatch-handler');
const world = createWorld(rng.fork('world'), { customers: 4, wabas: 1, numbersPerWaba: 2 });
const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => Date.UTC(2026, 11, 6, 12) });
const [numberA, numberB] = world.businesses;

function record(
  kind: Parameters<typeof generateItem>[1],
  business = numberA!,
  headers: Record<string, string> = {},
  offset = '7',
): ConsumedRecord<WhatsAppEvent> {
  const body = buildBody({ items: [generateItem(ctx, kind, { business })], rng }).body;
  const [r] = ingressRecords(body, Date.UTC(2026, 11, 6, 12, 0, 5));
  const event = decodeEvent(r!.value);
  return { topic: 't', partition: 2, offset, key: r!.key, headers, timestamp: '0', value: r!.value, event };
}

const sub = (id: string, filter: Partial<Subscription['filter']>, extra: Partial<Subscription> = {}): Subscription => ({
  id,
  target: { type: 'webhook', url: 'http://127.0.0.1:1/hook', secret: 'secret-0123456789' },
  filter: { kinds: [], phoneNumberIds: [], tenants: [], messageTypes: [], keywords: [], ...filter },
  unansweredAfterSeconds: null,
  source: 'file',
  ...extra,
});
const now = new Date(Date.UTC(2026, 11, 6, 12, 0, 6));

test("a record gives one delivery per matching subscription, with the (event, subscription) id, in the log's order", () => {
  const r = record('text', numberA, {}, '42');
  const subs = [
    sub('texts-a', { kinds: ['message'], messageTypes: ['text'], phoneNumberIds: [numberA!.phoneNumberId] }),
    sub('texts-b', { phoneNumberIds: [numberB!.phoneNumberId] }),
    sub('all', {}),
  ];
  const ds = deliveriesOf(r, subs, { allowReplay: false, now });
  assert.deepEqual(
    ds.map((d) => [d.subscriptionId, d._id, d.order, d.status, d.nextAt]),
    [
      ['texts-a', deliveryIdOf(r.event.eventId, 'texts-a'), '00002:00000000000000000042', 'pending', now],
      ['all', deliveryIdOf(r.event.eventId, 'all'), '00002:00000000000000000042', 'pending', now],
    ],
  );
  assert.equal(ds[0]!.conversation, `${r.event.phoneNumberId}:${r.event.customerId}`);
  const body = JSON.parse(ds[0]!.body) as { id: string; type: string; event: { eventId: string }; item: { id: string } };
  assert.equal(body.id, ds[0]!._id);
  assert.equal(body.type, 'whatsapp.message');
  assert.equal(body.event.eventId, r.event.eventId);
  assert.equal(body.item.id, r.event.itemId, 'the item as Meta sent it');
});

test('a replayed record dispatches nothing unless replays are allowed (--allow-effects clears the header itself)', () => {
  const r = record('text', numberA, { [REPLAY_HEADER]: 'reset-1' });
  assert.deepEqual(deliveriesOf(r, [sub('all', {})], { allowReplay: false, now }), []);
  assert.equal(deliveriesOf(r, [sub('all', {})], { allowReplay: true, now }).length, 1);
});

test('notifications of unanswered messages: inbound messages only, due the delay after wabus received them', () => {
  const n = sub('slow', {}, { unansweredAfterSeconds: 300, target: { type: 'slack', url: 'http://127.0.0.1:1/slack' } });
  const inbound = record('text');
  const [d] = deliveriesOf(inbound, [n], { allowReplay: false, now });
  assert.equal(d!.nextAt.getTime(), inbound.event.receivedAt + 300_000);
  assert.equal(d!.inboundAt, inbound.event.metaTimestamp);
  const { text } = JSON.parse(d!.body) as { text: string };
  assert.match(text, /^No answer within 5 min: customer /);
  assert.deepEqual(deliveriesOf(record('echo'), [n], { allowReplay: false, now }), []);
  assert.deepEqual(deliveriesOf(record('status_read'), [n], { allowReplay: false, now }), []);
});

test("a webhook body carries the item's bytes as Meta sent them (ids and numbers never re-serialised)", () => {
  const r = record('image');
  const [d] = deliveriesOf(r, [sub('all', {})], { allowReplay: false, now });
  assert.ok(d!.body.endsWith(`,"item":${r.event.raw.toString('utf8')}}`));
  assert.doesNotThrow(() => JSON.parse(d!.body));
});
