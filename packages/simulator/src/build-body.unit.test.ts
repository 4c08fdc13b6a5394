import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBody } from './build-body.ts';
import { createGenContext, type GenContext } from './gen-context.ts';
import { generateItem } from './generate-item.ts';
import type { KindName } from './kinds.ts';
import { createRng } from './rng.ts';
import { walkBody } from './walk-body.test-support.ts';
import { createWorld } from './world.ts';

type Body = { object: string; entry: { id: string; time?: number; changes: { field: string; value: Record<string, any> }[] }[] };

function context(seed: string, wabas = 2, numbersPerWaba = 2): GenContext {
  const rng = createRng(seed);
  return createGenContext({ rng, world: createWorld(rng.fork('world'), { wabas, numbersPerWaba, customers: 20 }), now: () => 1_760_000_000_000 });
}

test('given messages and statuses for one number, then one entry holds a messages change (with contacts) and a statuses change', () => {
  const ctx = context('one-number');
  const business = ctx.world.businesses[0]!;
  const items = (['text', 'status_sent', 'image', 'status_read'] as KindName[]).map((k) => generateItem(ctx, k, { business }));
  const { body, items: expected } = buildBody({ items });
  const parsed = JSON.parse(body.toString()) as Body;
  assert.equal(parsed.object, 'whatsapp_business_account');
  assert.equal(parsed.entry.length, 1);
  assert.equal(parsed.entry[0]!.id, business.wabaId);
  assert.equal(parsed.entry[0]!.time, undefined);
  const [messages, statuses] = parsed.entry[0]!.changes;
  assert.equal(messages!.field, 'messages');
  assert.equal(messages!.value['messaging_product'], 'whatsapp');
  assert.deepEqual(messages!.value['metadata'], { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId });
  assert.equal(messages!.value['messages'].length, 2);
  assert.ok(messages!.value['contacts'].length >= 1);
  assert.equal(statuses!.value['statuses'].length, 2);
  // Body order groups by change: both messages first, then both statuses.
  assert.deepEqual(
    expected.map((e) => e.kind),
    ['message', 'message', 'status', 'status'],
  );
  assert.deepEqual(expected, walkBody(parsed));
});

test('given items of several numbers and account events, then entries split per WABA and account changes get an integer time', () => {
  const ctx = context('mixed', 2, 2);
  const kinds: KindName[] = ['text', 'account_update', 'status_delivered', 'template_status', 'echo', 'value_error', 'user_preferences', 'phone_quality'];
  const items = Array.from({ length: 40 }, (_, i) => generateItem(ctx, kinds[i % kinds.length]!));
  const { body, items: expected } = buildBody({ items });
  const parsed = JSON.parse(body.toString()) as Body;
  assert.equal(expected.length, 40);
  assert.deepEqual(expected, walkBody(parsed));
  for (const entry of parsed.entry) {
    const accountLevel = entry.changes.every((c) => c.value['metadata'] === undefined);
    assert.equal(typeof entry.time === 'number', accountLevel, 'time only on account-level entries');
    if (accountLevel) assert.equal(entry.changes.length >= 1, true);
  }
  for (const change of parsed.entry.flatMap((e) => e.changes)) {
    if (['account_update', 'message_template_status_update', 'phone_number_quality_update'].includes(change.field)) {
      assert.equal(change.value['metadata'], undefined);
    }
  }
  assert.ok(expected.some((e) => e.field === 'smb_message_echoes' && e.kind === 'message_echo'));
  assert.ok(expected.some((e) => e.kind === 'error'));
  assert.ok(expected.some((e) => e.kind === 'change' && e.field === 'user_preferences' && e.phoneNumberId !== null));
});

test('given itemsPerChange, entries and changesPerEntry, then the layout follows them and expected items still match', () => {
  const ctx = context('layout', 1, 1);
  const items = Array.from({ length: 6 }, () => generateItem(ctx, 'text'));
  const one = JSON.parse(buildBody({ items, itemsPerChange: 1 }).body.toString()) as Body;
  assert.equal(one.entry.length, 1);
  assert.equal(one.entry[0]!.changes.length, 6);
  const two = JSON.parse(buildBody({ items, itemsPerChange: 1, entries: 2 }).body.toString()) as Body;
  assert.deepEqual(
    two.entry.map((e) => e.changes.length),
    [3, 3],
  );
  assert.equal(two.entry[0]!.id, two.entry[1]!.id);
  const capped = buildBody({ items, itemsPerChange: 2, changesPerEntry: 1 });
  const cappedParsed = JSON.parse(capped.body.toString()) as Body;
  assert.deepEqual(
    cappedParsed.entry.map((e) => e.changes.length),
    [1, 1, 1],
  );
  assert.deepEqual(capped.items, walkBody(cappedParsed));
  assert.deepEqual(
    capped.items.map((e) => e.id),
    items.map((i) => i.id),
  );
});

test('given an rng, then key order varies: object last and field before value both occur', () => {
  const ctx = context('order', 1, 1);
  const rng = createRng('layout');
  const texts = Array.from({ length: 60 }, () => buildBody({ items: [generateItem(ctx, 'text')], rng }).body.toString());
  assert.ok(texts.some((t) => t.startsWith('{"object":')));
  assert.ok(texts.some((t) => t.startsWith('{"entry":') && t.endsWith('"object":"whatsapp_business_account"}')));
  assert.ok(texts.some((t) => t.includes('"changes":[{"field":"messages","value":')));
  assert.ok(texts.some((t) => t.includes('"changes":[{"value":')));
  assert.ok(
    texts.every((t) => /^[\x20-\x7e]+$/.test(t)),
    'ASCII only',
  );
});
