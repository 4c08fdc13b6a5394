// The parser's properties under generated bodies (docs/fuzz.md): every class of valid and hostile body against an
// oracle built on another parser, and event ids under re-serialisation. Seeded: WABUS_FUZZ_SEED replays a run.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createBodyGenerator, createRng, type Rng } from '@wabus/simulator';
import {
  createTally,
  fuzzBodyArb,
  fuzzSettings,
  memberOf,
  oracleJsonParse,
  referenceExplode,
  reindent,
  treeOf,
  writeJson,
  type BodyClass,
  type JsonTree,
} from '@wabus/testing/fuzz';
import { explodeWebhook } from './explode.ts';
import { minify } from './json-minify.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

const settings = fuzzSettings(10_000);
/** A body of at most 3 MB is exploded well within this, however loaded the machine (typically under 30 ms). */
const BOUND_MS = 2_000;

const isSliceOf = (part: Buffer, whole: Buffer) =>
  part.buffer === whole.buffer && part.byteOffset >= whole.byteOffset && part.byteOffset + part.length <= whole.byteOffset + whole.length;

test('explodeWebhook: on every class of body it never throws, answers as the JSON.parse oracle does, and each raw item is an exact slice', (t) => {
  t.diagnostic(`seed ${settings.seed}, ${settings.runs} bodies (replay: ${settings.replay})`);
  const tally = createTally<BodyClass>();
  let slowest = 0;
  fc.assert(
    fc.property(fuzzBodyArb(), ({ cls, body }) => {
      const started = performance.now();
      const result = explodeWebhook(body, { receivedAt: 1_700_000_000_000 });
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < BOUND_MS, `explode took ${ms.toFixed(0)} ms on a body of ${body.length} bytes`);
      assert.equal(result.deliveryId, createHash('sha256').update(body).digest('hex'));
      const expected = referenceExplode(body);
      if (!expected.ok) {
        assert.equal(result.ok, false, `the oracle says ${expected.reason}, explode accepted`);
        assert.equal(!result.ok && result.reason, expected.reason);
        tally.add(cls, expected.reason);
        return;
      }
      assert.ok(result.ok, `the oracle accepts, explode says ${!result.ok && `${result.reason}: ${result.detail}`}`);
      assert.equal(result.events.length, expected.items.length, 'one event per item');
      result.events.forEach((e, i) => {
        const item = expected.items[i]!;
        assert.equal(e.kind, item.kind);
        assert.deepEqual(e.position, item.position);
        assert.ok(isSliceOf(e.raw, body), 'raw is a view of the body, not a copy');
        assert.deepEqual(oracleJsonParse(e.raw.toString('utf8')), item.value, 'raw is the bytes of this very item');
        if (e.contact !== null) assert.ok(isSliceOf(e.contact, body), 'contact is a view of the body');
        assert.match(e.eventId, /^[0-9a-f]{64}$/);
        assert.equal(e.key, e.phoneNumberId ?? e.wabaId);
      });
      tally.add(cls, 'ok');
    }),
    { seed: settings.seed, numRuns: settings.runs },
  );
  for (const line of tally.lines()) t.diagnostic(line);
  t.diagnostic(`slowest explode: ${slowest.toFixed(1)} ms`);
  assert.equal(tally.total(), settings.runs);
});

const ITEM_ARRAY = { message: 'messages', status: 'statuses', message_echo: 'message_echoes', error: 'errors' } as const;
/** Kinds whose id is their own bytes and place (an error's is its whole change value: event-id.ts). */
const SELF_IDENTIFIED = new Set(['message', 'status', 'message_echo', 'change']);

type Obj = Extract<JsonTree, { t: 'object' }>;
const items = (node: JsonTree | undefined): JsonTree[] => (node?.t === 'array' ? node.items : []);

/** Puts `by` where the event's item sits in the tree (the change's `value` for kind change). */
function placeVerbatim(root: JsonTree, e: WhatsAppEvent, by: JsonTree): void {
  const change = items(memberOf(items(memberOf(root, 'entry'))[e.position.entry], 'changes'))[e.position.change] as Obj;
  if (e.kind === 'change') {
    const pair = change.pairs.findLast(([k]) => k === 'value')!;
    pair[1] = by;
    return;
  }
  items(memberOf(memberOf(change, 'value'), ITEM_ARRAY[e.kind]))[e.position.item] = by;
  // memberOf returns the node itself, so the assignment above changed the tree.
}

function shuffleInPlace<T>(rng: Rng, list: T[]): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}

/** Reorders entries, changes and items, and adds members the ids must not see, everywhere but inside the kept items. */
function scramble(root: JsonTree, rng: Rng): void {
  const entries = items(memberOf(root, 'entry'));
  shuffleInPlace(rng, entries);
  for (const entry of entries) {
    const changes = items(memberOf(entry, 'changes'));
    shuffleInPlace(rng, changes);
    for (const change of changes) {
      const value = memberOf(change, 'value');
      for (const key of Object.values(ITEM_ARRAY)) shuffleInPlace(rng, items(memberOf(value, key)));
    }
    if (rng.chance(0.5)) (entry as Obj).pairs.unshift(['unrelated', { t: 'string', value: 'caf\u00e9 \ud83d\ude00' }]);
  }
  if (rng.chance(0.5)) (root as Obj).pairs.reverse();
}

const idKey = (e: WhatsAppEvent) => `${e.kind}|${e.field}|${e.wabaId}|${e.phoneNumberId}|${minify(e.raw).toString('latin1')}`;

test('event ids: an item keeps its id when the rest of its body is re-serialised, re-escaped and reordered; distinct items never share one', (t) => {
  const runs = Math.max(1, Math.round(settings.runs / 10));
  const tally = createTally<string>();
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer(),
        batch: fc.integer({ min: 2, max: 12 }),
        layout: fc.integer(),
        escape: fc.constantFrom('meta' as const, 'utf8' as const, 'all' as const),
      }),
      ({ seed, batch, layout, escape }) => {
        const body = createBodyGenerator({ seed, batch, mix: 'uniform', customers: 20, spreadShare: 0.4, now: () => Date.UTC(2026, 0, 15) }).next().body;
        const before = explodeWebhook(body, { receivedAt: 1 });
        assert.ok(before.ok);
        // No collision: one id never names two different items (the same bytes twice may have two: errors carry their index).
        const itemOfId = new Map<string, string>();
        for (const e of before.events) {
          assert.equal(itemOfId.get(e.eventId) ?? idKey(e), idKey(e), 'two different items share an id');
          itemOfId.set(e.eventId, idKey(e));
        }

        const rng = createRng(layout);
        const tree = treeOf(body);
        const kept = before.events.filter((e) => SELF_IDENTIFIED.has(e.kind));
        // The kept items' own bytes stay, give or take whitespace; every other byte of the body may change.
        for (const e of kept) placeVerbatim(tree, e, { t: 'verbatim', bytes: reindent(e.raw, rng, 0.3) });
        scramble(tree, rng);
        const rewritten = writeJson(tree, { escape, whitespace: 0.3, rng });
        const after = explodeWebhook(rewritten, { receivedAt: 2 });
        assert.ok(after.ok, `the rewritten body explodes: ${!after.ok && after.detail}`);
        const idsAfter = new Map(after.events.map((e) => [idKey(e), e.eventId]));
        for (const e of kept) {
          assert.equal(idsAfter.get(idKey(e)), e.eventId, `the ${e.kind} ${e.itemId ?? ''} keeps its id`);
          tally.add(e.kind, 'kept its id');
        }
      },
    ),
    { seed: settings.seed, numRuns: runs },
  );
  t.diagnostic(`seed ${settings.seed}, ${runs} bodies rewritten; items checked per kind:`);
  for (const line of tally.lines()) t.diagnostic(line);
  assert.ok(tally.of('message') > 0 && tally.of('status') > 0, 'messages and statuses were among them');
});
