import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGenContext, type GenContext } from './gen-context.ts';
import { generateItem } from './generate-item.ts';
import type { GeneratedItem, JsonObject } from './generated-item.ts';
import { KINDS, MESSAGE_KINDS, type KindName } from './kinds.ts';
import { createRng } from './rng.ts';
import { createWorld } from './world.ts';
import { serializeLikeMeta } from './meta-json.ts';

const NOW = 1_760_000_000_000;

function context(seed: string): GenContext {
  const rng = createRng(seed);
  return createGenContext({ rng, world: createWorld(rng.fork('world'), { customers: 50 }), now: () => NOW });
}

function many(kind: KindName, n = 200): GeneratedItem[] {
  const ctx = context(`many-${kind}`);
  return Array.from({ length: n }, () => generateItem(ctx, kind));
}

const parsed = (item: GeneratedItem): JsonObject => JSON.parse(serializeLikeMeta(item.payload).toString()) as JsonObject;
const some = (items: GeneratedItem[], pred: (p: Record<string, any>) => boolean) => items.some((i) => pred(parsed(i) as Record<string, any>));

test('given every kind, then an item is produced with the documented kind, field and array', () => {
  const ctx = context('every');
  for (const kind of KINDS) {
    const item = generateItem(ctx, kind);
    assert.equal(item.simKind, kind);
    if ((MESSAGE_KINDS as readonly string[]).includes(kind)) {
      assert.deepEqual([item.kind, item.field, item.array], ['message', 'messages', 'messages'], kind);
      assert.match(item.id ?? '', /^wamid\.[A-Za-z0-9+/=]+$/);
      assert.equal(item.itemType, item.payload['type']);
    } else if (kind.startsWith('status_')) {
      assert.deepEqual([item.kind, item.field, item.array, item.itemType], ['status', 'messages', 'statuses', kind.slice(7)]);
    } else if (kind === 'echo') {
      assert.deepEqual([item.kind, item.field, item.array], ['message_echo', 'smb_message_echoes', 'message_echoes']);
    } else if (kind === 'value_error') {
      assert.deepEqual([item.kind, item.id, item.customerId, item.array], ['error', null, null, 'errors']);
    } else {
      assert.equal(item.kind, 'change');
      assert.equal(item.array, null);
    }
  }
});

test('given message kinds, then each carries its Meta type and type object', () => {
  const expectations: [KindName, string, string][] = [
    ['text', 'text', 'text'],
    ['image', 'image', 'image'],
    ['video', 'video', 'video'],
    ['audio', 'audio', 'audio'],
    ['document', 'document', 'document'],
    ['sticker', 'sticker', 'sticker'],
    ['location', 'location', 'location'],
    ['contacts', 'contacts', 'contacts'],
    ['button_reply', 'interactive', 'interactive'],
    ['list_reply', 'interactive', 'interactive'],
    ['nfm_reply', 'interactive', 'interactive'],
    ['button', 'button', 'button'],
    ['reaction', 'reaction', 'reaction'],
    ['order', 'order', 'order'],
    ['system', 'system', 'system'],
    ['revoke', 'revoke', 'revoke'],
    ['edit', 'edit', 'edit'],
    ['unsupported', 'unsupported', 'errors'],
  ];
  for (const [kind, type, key] of expectations) {
    const p = parsed(many(kind, 1)[0]!);
    assert.equal(p['type'], type, kind);
    assert.ok(p[key] !== undefined, `${kind} has ${key}`);
  }
  const unknown = parsed(many('unknown_type', 1)[0]!);
  assert.ok(!['text', 'image', 'interactive', 'unsupported'].includes(String(unknown['type'])));
  assert.ok(unknown[String(unknown['type'])] !== undefined);
});

test('given many items, then the documented variants all occur', () => {
  const texts = many('text', 400);
  assert.ok(
    some(texts, (p) => p.context?.id !== undefined && p.context?.from !== undefined),
    'reply context',
  );
  assert.ok(
    some(texts, (p) => p.context?.forwarded === true),
    'forwarded',
  );
  const outsideAscii = /[\u0080-\uffff]/;
  assert.ok(
    some(texts, (p) => outsideAscii.test(p.text.body)),
    'unicode body',
  );
  assert.ok(
    some(texts, (p) => /[\u{1F300}-\u{1FAFF}]/u.test(p.text.body)),
    'emoji body',
  );
  assert.ok(
    some(texts, (p) => p.from === undefined && typeof p.from_user_id === 'string'),
    'BSUID sender without from',
  );
  assert.ok(
    some(many('audio'), (p) => p.audio.voice === true),
    'voice note',
  );
  assert.ok(
    some(many('document'), (p) => typeof p.document.filename === 'string' && typeof p.document.caption === 'string'),
    'document filename + caption',
  );
  assert.ok(
    some(many('sticker'), (p) => p.sticker.animated === true),
    'animated sticker',
  );
  assert.ok(some(many('list_reply'), (p) => p.interactive.list_reply.id !== undefined));
  assert.ok(
    some(many('nfm_reply'), (p) => typeof JSON.parse(p.interactive.nfm_reply.response_json).flow_token === 'string'),
    'nfm response_json is a JSON string',
  );
  const reactions = many('reaction');
  assert.ok(
    some(reactions, (p) => p.reaction.emoji === ''),
    'removal with empty emoji',
  );
  assert.ok(
    some(reactions, (p) => !('emoji' in p.reaction)),
    'removal without emoji',
  );
  assert.ok(
    some(reactions, (p) => typeof p.reaction.emoji === 'string' && p.reaction.emoji.length > 0),
    'reaction',
  );
  assert.ok(some(many('system'), (p) => p.system.type === 'user_changed_number'));
  assert.ok(some(many('unsupported'), (p) => p.errors[0].code === 131051));
  assert.ok(some(many('order'), (p) => Array.isArray(p.order.product_items) && p.order.product_items.length > 0));
});

test('given statuses, then pricing, conversation, callback data and failure codes occur', () => {
  const sent = many('status_sent', 300);
  assert.ok(some(sent, (p) => p.pricing !== undefined));
  assert.ok(some(sent, (p) => p.conversation?.origin?.type !== undefined));
  assert.ok(some(sent, (p) => typeof p.biz_opaque_callback_data === 'string'));
  const failed = many('status_failed', 300).map(parsed) as Record<string, any>[];
  const codes = new Set(failed.map((p) => p.errors[0].code));
  assert.ok(codes.has(131047) && codes.has(130472));
  for (const status of ['delivered', 'read', 'played'] as const) assert.equal(parsed(many(`status_${status}`, 1)[0]!)['status'], status);
});

test('given timestamps, then messages mostly carry strings and sometimes numbers; account changes an integer time', () => {
  const items = many('text', 400);
  const kinds = new Set(items.map((i) => typeof i.payload['timestamp']));
  assert.deepEqual([...kinds].sort(), ['number', 'string']);
  const account = many('account_update', 1)[0]!;
  assert.equal(account.time, Math.floor(NOW / 1000));
  assert.equal(many('user_preferences', 1)[0]!.time, null);
});

test('given a template status, then its 64-bit id is written as a raw number literal', () => {
  const item = many('template_status', 1)[0]!;
  const text = serializeLikeMeta(item.payload).toString();
  assert.match(text, /"message_template_id":1\d{18},/);
  assert.equal(item.field, 'message_template_status_update');
});
