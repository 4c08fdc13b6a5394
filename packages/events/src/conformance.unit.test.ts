import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeEvent, encodeEvent } from './codec.ts';
import { explodeWebhook } from './explode.ts';
import { parseItem } from './parse-item.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

// Public libraries' webhook fixtures, shared read-only beside the repository (never copied in).
const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/whatsapp/', import.meta.url));
const present = existsSync(FIXTURES);

const ITEM_ARRAYS = { messages: 'message', statuses: 'status', message_echoes: 'message_echo', errors: 'error' } as const;
const DOCUMENTED_MESSAGE_TYPES = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'revoke',
  'edit',
  'unsupported',
]);
const DOCUMENTED_INTERACTIVE = new Set(['button_reply', 'list_reply', 'nfm_reply', 'call_permission_reply']);
const DOCUMENTED_STATUSES = new Set(['sent', 'delivered', 'read', 'played', 'failed']);

type Json = Record<string, unknown>;
interface Fixture {
  name: string;
  body: Buffer;
  json: { entry: Array<{ id: unknown; time?: unknown; changes: Array<{ field: string; value: Json }> }> };
}

function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const body = readFileSync(FIXTURES + name);
      return { name, body, json: JSON.parse(body.toString('utf8')) as Fixture['json'] };
    });
}

function explodeFixture(f: Fixture, receivedAt = 1): WhatsAppEvent[] {
  const result = explodeWebhook(f.body, { receivedAt });
  assert.ok(result.ok, `${f.name}: ${result.ok ? '' : `${result.reason} ${result.detail}`}`);
  return result.events;
}

/** What makes two items the same item, independently of how the implementation hashes. */
function identityOf(f: Fixture, e: WhatsAppEvent): string {
  const entry = f.json.entry[e.position.entry]!;
  const value = entry.changes[e.position.change]!.value;
  return JSON.stringify([
    e.kind,
    e.field,
    e.wabaId,
    e.phoneNumberId,
    e.kind === 'change' || e.kind === 'error' ? (entry.time ?? null) : null,
    e.kind === 'error' ? [value, e.position.item] : null,
    JSON.parse(e.raw.toString('utf8')),
  ]);
}

describe('conformance with the shared WhatsApp fixtures', { skip: present ? false : `fixtures folder not found: ${FIXTURES}` }, () => {
  const fixtures = present ? loadFixtures() : [];

  it('finds the fixtures', () => {
    assert.equal(fixtures.length, 83);
  });

  it('explodes every item into exactly one event holding its exact JSON', () => {
    for (const f of fixtures) {
      const events = explodeFixture(f);
      const expected: Array<{ kind: string; position: WhatsAppEvent['position']; json: unknown }> = [];
      f.json.entry.forEach((entry, e) =>
        entry.changes.forEach((change, c) => {
          let items = 0;
          for (const [key, kind] of Object.entries(ITEM_ARRAYS)) {
            const list = change.value[key];
            if (!Array.isArray(list)) continue;
            list.forEach((json: unknown, i) => expected.push({ kind, position: { entry: e, change: c, item: i }, json }));
            items += list.length;
          }
          if (items === 0) expected.push({ kind: 'change', position: { entry: e, change: c, item: 0 }, json: change.value });
        }),
      );
      assert.deepEqual(
        events.map((ev) => ({ kind: ev.kind, position: ev.position, json: JSON.parse(ev.raw.toString('utf8')) as unknown })),
        expected,
        f.name,
      );
      // the raw slices are the body's own bytes
      for (const ev of events) assert.ok(f.body.includes(ev.raw), `${f.name}: raw is a slice of the body`);
    }
  });

  it('gives one id per distinct item, stable on re-delivery', () => {
    const idToItem = new Map<string, string>();
    const itemToId = new Map<string, string>();
    for (const f of fixtures) {
      const first = explodeFixture(f, 1);
      const again = explodeFixture(f, 2);
      assert.deepEqual(
        again.map((e) => e.eventId),
        first.map((e) => e.eventId),
        `${f.name}: re-delivery`,
      );
      for (const e of first) {
        const item = identityOf(f, e);
        const knownItem = idToItem.get(e.eventId);
        if (knownItem !== undefined) assert.equal(knownItem, item, `${f.name}: id collision`);
        const knownId = itemToId.get(item);
        if (knownId !== undefined) assert.equal(knownId, e.eventId, `${f.name}: same item, two ids`);
        idToItem.set(e.eventId, item);
        itemToId.set(item, e.eventId);
      }
    }
    assert.ok(idToItem.size > 80);
  });

  it('tells apart the two placeholder messages sharing a wamid (fixture 102)', () => {
    const f = fixtures.find((x) => x.name.startsWith('102-'));
    assert.ok(f);
    const [a, b] = explodeFixture(f);
    assert.equal(a?.itemId, 'wamid.ID');
    assert.equal(b?.itemId, 'wamid.ID');
    assert.notEqual(a?.eventId, b?.eventId);
  });

  it('parses every item without throwing, never as unknown when the type is documented', () => {
    for (const f of fixtures) {
      for (const e of explodeFixture(f)) {
        const parsed = parseItem(e);
        const where = `${f.name} #${e.position.entry}.${e.position.change}.${e.position.item}`;
        assert.equal(parsed.kind, e.kind, where);
        const json = JSON.parse(e.raw.toString('utf8')) as Json;
        if (parsed.kind === 'message' || parsed.kind === 'message_echo') {
          const m = parsed.message;
          assert.equal(m.id, e.itemId, where);
          if (typeof json['type'] === 'string' && DOCUMENTED_MESSAGE_TYPES.has(json['type'])) assert.equal(m.type, json['type'], where);
          if (m.type === 'interactive') {
            const inner = json['interactive'] as Json | undefined;
            if (inner && DOCUMENTED_INTERACTIVE.has(String(inner['type']))) assert.equal(m.interactive.type, inner['type'], where);
          }
        } else if (parsed.kind === 'status') {
          if (DOCUMENTED_STATUSES.has(String(json['status']))) assert.equal(parsed.status.status, json['status'], where);
          assert.equal(parsed.status.id, e.itemId, where);
        } else if (parsed.kind === 'change') {
          assert.deepEqual(parsed.value, json, where);
        }
      }
    }
  });

  it('round-trips every event through the Avro codec', () => {
    for (const f of fixtures) {
      for (const e of explodeFixture(f)) assert.deepEqual(decodeEvent(encodeEvent(e)), e, f.name);
    }
  });
});
