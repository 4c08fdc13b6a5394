import fc from 'fast-check';
import { createBodyGenerator, createRng } from '@wabus/simulator';
import { cloneTree, treeOf, writeJson, type EscapeStyle, type JsonTree } from './json-tree.ts';
import { addMember, duplicateKey, insertInString, INVALID_UTF8, nested, removeMember, replaceNode, treeOfValue } from './tree-mutations.ts';
import { FUZZ_NOW } from './fuzz-settings.ts';

/**
 * The classes of webhook body the fuzz tier generates (docs/fuzz.md): valid ones of every shape, and mutations of
 * valid ones. A body of any class may be a webhook or not: what explode and ingress must answer is the oracle's
 * (reference-explode.ts) to say, never the class's.
 */
export const BODY_CLASSES = [
  'valid',
  'large',
  'truncated',
  'garbage',
  'wrong_type',
  'missing_field',
  'extra_field',
  'duplicate_key',
  'huge_number',
  'deep_nesting',
  'invalid_utf8',
  'unicode_escape',
] as const;
export type BodyClass = (typeof BODY_CLASSES)[number];

export interface FuzzBody {
  cls: BodyClass;
  body: Buffer;
}

/** Item timestamps of simulated bodies: fixed, so a seed gives the same bytes on every run. */

const simulatedTree: fc.Arbitrary<JsonTree> = fc
  .record({ seed: fc.integer(), batch: fc.integer({ min: 1, max: 10 }) })
  .map(({ seed, batch }) => treeOf(createBodyGenerator({ seed, batch, mix: 'uniform', customers: 20, spreadShare: 0.3, now: () => FUZZ_NOW }).next().body));

export const keyArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom(
    'object',
    'entry',
    'id',
    'changes',
    'field',
    'value',
    'messages',
    'statuses',
    'errors',
    '__proto__',
    'constructor',
    '$where',
    'a.b',
    '',
    '\u0000',
  ),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

const HUGE_NUMBERS = ['1e999', '-1e999', '1E+400', '-0', '0e0', '1e-400', '9007199254740993', '18446744073709551616', '123456789012345678901234567890.5e-3'];
export const hugeNumberArb: fc.Arbitrary<JsonTree> = fc
  .oneof(
    fc.constantFrom(...HUGE_NUMBERS),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 256n }).map(String),
    fc.integer({ min: 300, max: 3_000 }).map((n) => `-${'9'.repeat(n)}`),
  )
  .map((raw) => ({ t: 'number', raw }));

/** Strings a parser or a store may trip on: lone surrogates, NUL, line separators, a BOM, escapes' own characters. */
export const nastyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  fc.constantFrom('\u0000', '\ud83d', '\ude00', '\ud83d\ude00', '\u2028\u2029', '\ufeff', 'caf\u00e9', '\\', '"', '/', '@'),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

export const valueTreeArb: fc.Arbitrary<JsonTree> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map(treeOfValue),
  fc.constantFrom<JsonTree>({ t: 'object', pairs: [] }, { t: 'array', items: [] }, { t: 'string', value: '' }, { t: 'literal', raw: 'null' }),
  hugeNumberArb,
);

/** A `whatsapp_business_account` envelope with shapes the simulator never makes: numeric ids, empty or null arrays, random items. */
const syntheticTree: fc.Arbitrary<JsonTree> = (() => {
  const id = fc.oneof(
    fc.stringMatching(/^[1-9][0-9]{4,15}$/).map((value): JsonTree => ({ t: 'string', value })),
    hugeNumberArb,
  );
  const item = fc.dictionary(keyArb, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map(treeOfValue);
  const list = fc.option(
    fc.oneof(
      fc.constant<JsonTree>({ t: 'literal', raw: 'null' }),
      fc.array(item, { maxLength: 4 }).map((items): JsonTree => ({ t: 'array', items })),
    ),
    {
      nil: undefined,
    },
  );
  const value = fc
    .record({
      phone: fc.option(id, { nil: undefined }),
      messages: list,
      statuses: list,
      message_echoes: list,
      errors: list,
      extra: fc.option(valueTreeArb, { nil: undefined }),
    })
    .map(({ phone, extra, ...lists }): JsonTree => {
      const pairs: [string, JsonTree][] = [];
      if (phone !== undefined) pairs.push(['metadata', { t: 'object', pairs: [['phone_number_id', phone]] }]);
      for (const [k, v] of Object.entries(lists)) if (v !== undefined) pairs.push([k, v]);
      if (extra !== undefined) pairs.push(['extra', extra]);
      return { t: 'object', pairs };
    });
  const change = fc
    .record({ field: fc.oneof(fc.constantFrom('messages', 'smb_message_echoes', 'account_update', 'calls'), fc.string({ minLength: 1, maxLength: 8 })), value })
    .map(({ field, value }): JsonTree => ({
      t: 'object',
      pairs: [
        ['field', { t: 'string', value: field }],
        ['value', value],
      ],
    }));
  const entry = fc
    .record({ id, time: fc.option(fc.integer({ min: 0 }), { nil: undefined }), changes: fc.array(change, { maxLength: 3 }) })
    .map(({ id, time, changes }): JsonTree => ({
      t: 'object',
      pairs: [
        ['id', id],
        ...(time === undefined ? [] : [['time', { t: 'number', raw: String(time) }] as [string, JsonTree]]),
        ['changes', { t: 'array', items: changes }],
      ],
    }));
  return fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries): JsonTree => ({
    t: 'object',
    pairs: [
      ['object', { t: 'string', value: 'whatsapp_business_account' }],
      ['entry', { t: 'array', items: entries }],
    ],
  }));
})();

const validTree = fc.oneof({ arbitrary: simulatedTree, weight: 3 }, { arbitrary: syntheticTree, weight: 1 });

const formatArb = fc.record({
  escape: fc.constantFrom<EscapeStyle>('meta', 'meta', 'utf8', 'all'),
  whitespace: fc.constantFrom(0, 0, 0.2, 0.7),
  seed: fc.integer(),
});

const write = (tree: JsonTree, f: { escape: EscapeStyle; whitespace: number; seed: number }) => writeJson(tree, { ...f, rng: createRng(f.seed) });

/** A valid envelope mutated by `mutate` (given the tree and the mutation's own draws), then written in a random style. */
function mutated<M>(draws: fc.Arbitrary<M>, mutate: (tree: JsonTree, m: M) => JsonTree): fc.Arbitrary<Buffer> {
  return fc.tuple(validTree, draws, formatArb).map(([tree, m, f]) => write(mutate(cloneTree(tree), m), f));
}

const choice = fc.record({ at: fc.nat(), member: fc.nat(), envelope: fc.boolean() });
const validBody = fc.tuple(validTree, formatArb).map(([tree, f]) => write(tree, f));

const ARBITRARIES: Record<BodyClass, fc.Arbitrary<Buffer>> = {
  valid: validBody,
  // 1-2.9 MB: still under the 3 MB limit, and a string explode must slice without copying per byte.
  large: fc.tuple(simulatedTree, fc.integer({ min: 1_000_000, max: 2_900_000 })).map(([original, size]) => {
    const tree = cloneTree(original);
    addMember(tree, 0, 0, ['padding', { t: 'string', value: 'w'.repeat(size) }], false);
    return write(tree, { escape: 'meta', whitespace: 0, seed: 0 });
  }),
  truncated: fc.tuple(validBody, fc.nat()).map(([body, at]) => body.subarray(0, at % body.length)),
  garbage: fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.tuple(validBody, fc.nat(), fc.nat({ max: 40 }), fc.integer({ min: 0, max: 255 })).map(([body, at, len, byte]) => {
      const i = at % body.length;
      const copy = Buffer.from(body);
      copy[i] = byte;
      return len % 2 === 0 ? copy : Buffer.concat([copy.subarray(0, i), copy.subarray(Math.min(copy.length, i + len))]);
    }),
    fc.tuple(validBody, fc.nat(), fc.constantFrom('{', '[', ',', '"', ':', '}', ']', ',"x":1', 'null', '\\')).map(([body, at, frag]) => {
      const i = at % (body.length + 1);
      return Buffer.concat([body.subarray(0, i), Buffer.from(frag), body.subarray(i)]);
    }),
  ),
  wrong_type: mutated(fc.tuple(choice, valueTreeArb), (tree, [c, by]) => replaceNode(tree, c.at, by, { envelope: c.envelope })),
  missing_field: mutated(choice, (tree, c) => removeMember(tree, c.at, c.member, c.envelope)),
  extra_field: mutated(fc.tuple(choice, keyArb, valueTreeArb), (tree, [c, key, value]) => addMember(tree, c.at, c.member, [key, value], c.envelope)),
  duplicate_key: mutated(fc.tuple(choice, valueTreeArb, fc.boolean()), (tree, [c, value, after]) =>
    duplicateKey(tree, c.at, c.member, value, after, c.envelope),
  ),
  huge_number: mutated(fc.tuple(choice, hugeNumberArb), (tree, [c, by]) =>
    replaceNode(tree, c.at, by, { envelope: c.envelope, where: (s) => s.node.t === 'number' || s.node.t === 'string' }),
  ),
  deep_nesting: mutated(
    fc.tuple(choice, fc.integer({ min: 1, max: 300 }), fc.constantFrom('array' as const, 'object' as const, 'mixed' as const)),
    (tree, [c, depth, shape]) => addMember(tree, c.at, c.member, ['nested', nested(depth, shape)], c.envelope),
  ),
  invalid_utf8: fc.tuple(validBody, fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([body, at, bytes]) => insertInString(body, at, bytes)),
  unicode_escape: fc
    .tuple(
      validTree,
      fc.array(fc.tuple(fc.nat(), nastyStringArb), { minLength: 1, maxLength: 4 }),
      formatArb,
      fc.constantFrom<EscapeStyle>('all', 'all', 'meta', 'utf8'),
    )
    .map(([original, edits, f, escape]) => {
      const tree = cloneTree(original);
      for (const [at, value] of edits) replaceNode(tree, at, { t: 'string', value }, { envelope: false, where: (s) => s.node.t === 'string' });
      return write(tree, { ...f, escape });
    }),
};

/** Bodies of one class. */
export const bodyOfClass = (cls: BodyClass): fc.Arbitrary<FuzzBody> => ARBITRARIES[cls].map((body) => ({ cls, body }));

/** Bodies of every class, `weights` (default 1 each, `large` 0.02) saying how often each comes. */
export function fuzzBodyArb(weights: Partial<Record<BodyClass, number>> = {}): fc.Arbitrary<FuzzBody> {
  const w: Record<BodyClass, number> = { ...Object.fromEntries(BODY_CLASSES.map((c) => [c, c === 'large' ? 0.02 : 1])), ...weights } as Record<
    BodyClass,
    number
  >;
  // fast-check weights are integers: scale so the smallest non-zero share still comes.
  return fc.oneof(...BODY_CLASSES.filter((c) => w[c] > 0).map((c) => ({ arbitrary: bodyOfClass(c), weight: Math.max(1, Math.round(w[c] * 100)) })));
}
