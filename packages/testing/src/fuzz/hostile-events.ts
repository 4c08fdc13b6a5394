import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { encodeEvent, explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { createBodyGenerator, createRng } from '@wabus/simulator';
import type { RecordToProduce } from '../consumer-fixtures.ts';
import { cloneTree, treeOf, writeJson, type JsonTree } from './json-tree.ts';
import { referenceExplode } from './reference-explode.ts';
import { addMember, insertInString, INVALID_UTF8, nested, replaceNode } from './tree-mutations.ts';
import { bodyOfClass, nastyStringArb, type BodyClass } from './webhook-arbitraries.ts';
import { FUZZ_NOW } from './fuzz-settings.ts';

/**
 * Records of the events topic whose item is hostile (docs/fuzz.md, consumers):
 * - `hostile_body`: every event of a mutated body that explode accepts (wrong types, huge numbers, escapes, nesting
 *   within the limit, extra and duplicate keys): what ingress really writes for such a signed body;
 * - `hostile_ids`: a body whose ids (phone_number_id, wa_id, from, recipient_id, message ids) are `$where`, `a.b`,
 *   NUL, `__proto__`, empty, `.`, `..`, 3,000 characters, lone surrogates;
 * - `deep_raw`, `huge_string`, `invalid_utf8_raw`, `not_json_raw`: a valid event whose `raw` is replaced (deeper than
 *   explode allows, a string of up to 800 KB, bytes that are not UTF-8 or not JSON): what no ingress writes today,
 *   and a consumer must survive all the same;
 * - `undecodable`: values that are not a record of the contract (random bytes, cut short, bad magic, unknown schema
 *   fingerprint, a kind from the future, empty).
 */
export const HOSTILE_CLASSES = ['hostile_body', 'hostile_ids', 'deep_raw', 'huge_string', 'invalid_utf8_raw', 'not_json_raw', 'undecodable'] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

export interface HostileRecord extends RecordToProduce {
  cls: HostileClass;
}

const ACCEPTED_MUTATIONS: BodyClass[] = ['wrong_type', 'huge_number', 'unicode_escape', 'deep_nesting', 'extra_field', 'duplicate_key', 'missing_field'];
const ID_KEYS = new Set(['phone_number_id', 'wa_id', 'from', 'recipient_id', 'id', 'to', 'user_id', 'from_user_id', 'recipient_user_id']);
const NASTY_IDS = ['$where', 'a.b', '\u0000', '__proto__', '', '.', '..', 'x'.repeat(3_000), '\ud800', '../..', 'constructor'];

const record = (cls: HostileClass, e: WhatsAppEvent): HostileRecord => ({ cls, key: e.key, value: encodeEvent(e), headers: { 'wabus-event-id': e.eventId } });
const eventsOf = (body: Buffer): WhatsAppEvent[] => {
  const r = explodeWebhook(body, { receivedAt: FUZZ_NOW });
  return r.ok ? r.events : [];
};

/** A simulated event to hollow out, from its own seed (never the good records' seed: no shared message ids). */
const sourceEvent = fc.record({ seed: fc.integer(), pick: fc.nat() }).map(({ seed, pick }) => {
  const events = eventsOf(createBodyGenerator({ seed: `hostile/${seed}`, batch: 3, mix: 'uniform', now: () => FUZZ_NOW }).next().body);
  return events[pick % events.length]!;
});

/** The event with another raw item (and its own id: a replaced item is not a duplicate of the one it came from). */
const withRaw = (cls: HostileClass, e: WhatsAppEvent, raw: Buffer): HostileRecord[] => [
  record(cls, { ...e, raw, eventId: createHash('sha256').update(e.eventId).update(raw).digest('hex') }),
];
const rawTree = (e: WhatsAppEvent): JsonTree => cloneTree(treeOf(e.raw));
const compact = (tree: JsonTree) => writeJson(tree, { escape: 'meta', whitespace: 0, rng: createRng(0) });

const ARBITRARIES: Record<HostileClass, fc.Arbitrary<HostileRecord[]>> = {
  hostile_body: fc
    .constantFrom(...ACCEPTED_MUTATIONS)
    .chain(bodyOfClass)
    .map((b) => (referenceExplode(b.body).ok ? eventsOf(b.body).map((e) => record('hostile_body', e)) : [])),
  hostile_ids: fc.tuple(fc.integer(), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NASTY_IDS)), { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    const tree = treeOf(createBodyGenerator({ seed: `hostile-ids/${seed}`, batch: 3, mix: 'uniform', now: () => FUZZ_NOW }).next().body);
    for (const [at, value] of edits)
      replaceNode(tree, at, { t: 'string', value }, { envelope: true, where: (s) => s.key !== null && ID_KEYS.has(s.key) && s.node.t === 'string' });
    return eventsOf(compact(tree)).map((e) => record('hostile_ids', e));
  }),
  deep_raw: fc.tuple(sourceEvent, fc.constantFrom(30, 63, 64, 100, 2_000)).map(([e, depth]) => {
    const tree = rawTree(e);
    addMember(tree, 0, 0, ['nested', nested(depth, 'mixed')], false);
    return withRaw('deep_raw', e, compact(tree));
  }),
  huge_string: fc.tuple(sourceEvent, fc.integer({ min: 100_000, max: 800_000 }), nastyStringArb).map(([e, size, tail]) => {
    const tree = rawTree(e);
    const huge: JsonTree = { t: 'string', value: 'w'.repeat(size) + tail };
    // Where a consumer reads text: a text body, a caption, a status' callback data; else a member of its own.
    const placed = replaceNode(tree, 0, huge, {
      envelope: false,
      where: (s) => ['body', 'caption', 'biz_opaque_callback_data', 'title'].includes(s.key ?? ''),
    });
    if (placed === tree && compact(tree).length < size) addMember(tree, 0, 0, ['huge', huge], false);
    return withRaw('huge_string', e, compact(tree));
  }),
  invalid_utf8_raw: fc
    .tuple(sourceEvent, fc.nat(), fc.constantFrom(...INVALID_UTF8))
    .map(([e, at, bytes]) => withRaw('invalid_utf8_raw', e, insertInString(e.raw, at, bytes))),
  not_json_raw: fc
    .tuple(
      sourceEvent,
      fc.oneof(
        fc.nat().map((n) => ({ cut: n })),
        fc.uint8Array({ maxLength: 64 }).map((a) => ({ bytes: Buffer.from(a) })),
      ),
    )
    .map(([e, how]) => withRaw('not_json_raw', e, 'cut' in how ? e.raw.subarray(0, how.cut % e.raw.length) : how.bytes)),
  undecodable: fc.tuple(sourceEvent, fc.nat({ max: 5 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat()).map(([e, how, bytes, at]) => {
    const valid = encodeEvent(e);
    const values = [
      Buffer.from(bytes),
      valid.subarray(0, 10 + (at % (valid.length - 10))),
      Buffer.concat([Buffer.from([0xc3, 0x02]), valid.subarray(2)]),
      Buffer.concat([valid.subarray(0, 2), Buffer.from(bytes.slice(0, 8).length === 8 ? bytes.slice(0, 8) : new Uint8Array(8).fill(7)), valid.subarray(10)]),
      encodeEvent({ ...e, kind: 'future_kind' as WhatsAppEvent['kind'] }),
      Buffer.alloc(0),
    ];
    return [{ cls: 'undecodable' as const, key: e.key, value: values[how]! }];
  }),
};

/** Every nasty id in every id of a body (texts, statuses and images: a media id is a Graph path segment), whatever the seed: a lone surrogate as a message id once poisoned message-store. */
function everyNastyId(): HostileRecord[] {
  return NASTY_IDS.flatMap((value, i) => {
    const tree = treeOf(createBodyGenerator({ seed: `nasty-ids/${i}`, batch: 3, kinds: ['text', 'status_read', 'image'], now: () => FUZZ_NOW }).next().body);
    for (let at = 0; at < 50; at++)
      replaceNode(tree, at, { t: 'string', value }, { envelope: true, where: (s) => s.key !== null && ID_KEYS.has(s.key) && s.node.t === 'string' });
    return eventsOf(compact(tree)).map((e) => record('hostile_ids', e));
  });
}

/** About `count` hostile records of every class (whole bodies' events stay together), seeded; every nasty id first. */
export function hostileRecords(seed: number, count: number): HostileRecord[] {
  const arb = fc.oneof(...HOSTILE_CLASSES.map((cls) => ARBITRARIES[cls]));
  const out: HostileRecord[] = everyNastyId();
  for (const records of fc.sample(arb, { seed, numRuns: count })) {
    if (out.length >= count) break;
    out.push(...records);
  }
  return out;
}
