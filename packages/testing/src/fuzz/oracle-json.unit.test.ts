// V8's key bug (oracle-json.ts): after an object of one shape had a key ending in a backslash, plain JSON.parse may
// misread an escaped key of that shape. The fuzz oracle and wabus' own reader of item bytes must read every key right
// whatever the process parsed before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonValue } from '@wabus/events';
import { oracleJsonParse } from './oracle-json.ts';

const R = String.raw;
/** [an earlier text that poisons the shape, a text with an escaped key, the key it holds]. */
const CASES: readonly [string, string, string][] = [
  [R`{"p":1,"\\":3}`, R`{"p":1,"\u0041":3}`, 'A'],
  [R`{"p":1,"\\":3}`, R`{"p":1,"\n":3}`, '\n'],
  [R`{"ab\\":1}`, R`{"ab\u0041":1}`, 'abA'],
  [R`{"a\\b":1}`, R`{"a\u0041b":1}`, 'aAb'],
  [R`{"\\ab":1}`, R`{"\u0041ab":1}`, 'Aab'],
  [R`{"x":{"$where":[],"\\":{}}}`, R`{"x":{"$where":[],"\u0000":{}}}`, '\u0000'],
];

const innermostKey = (v: unknown): string => {
  let o = v as Record<string, unknown>;
  for (;;) {
    const keys = Object.keys(o);
    const last = keys.at(-1)!;
    if (keys.length === 1 && typeof o[last] === 'object' && o[last] !== null && Object.keys(o[last] as object).length > 0)
      o = o[last] as Record<string, unknown>;
    else return last;
  }
};

test('the oracle reads every escaped key right after the shape was poisoned', () => {
  for (const [poison, text, key] of CASES) {
    JSON.parse(poison);
    oracleJsonParse(poison);
    assert.equal(innermostKey(oracleJsonParse(text)), key, `${text} after ${poison}`);
  }
});

test("@wabus/events' reader of item bytes reads every escaped key right after the shape was poisoned", () => {
  for (const [poison, text, key] of CASES) {
    JSON.parse(poison);
    parseJsonValue(Buffer.from(poison));
    assert.equal(innermostKey(parseJsonValue(Buffer.from(text))), key, `${text} after ${poison}`);
  }
});

test('what this runtime does with plain JSON.parse (diagnostic: V8 12.4 reads right, 13.6 and 14.6 do not)', (t) => {
  const wrong = CASES.filter(([poison, text, key]) => {
    JSON.parse(poison);
    return innermostKey(JSON.parse(text)) !== key;
  });
  t.diagnostic(`V8 ${process.versions.v8}: plain JSON.parse misread ${wrong.length} of ${CASES.length} keys`);
});

test('the oracle reads what JSON.parse reads where the bug is not involved: duplicates, __proto__, numeric keys, invalid text', () => {
  const texts = [
    R`{"A":1,"\u0041":2,"A":3}`,
    R`{"\u0041":1,"A":2}`,
    R`{"b":1,"\u0031":2,"0":3, "a\"b" :[{"\n":null}], "__proto__":{"x":1}}`,
    R`{"__pr\u006fto__":{"polluted":true}}`,
    R`["\"", {"k":"\\"} , "a\":b"]`,
    R`{"a":"x\":"  ,  "b" :	"y"}`,
  ];
  for (const text of texts) {
    const got = oracleJsonParse(text);
    const want: unknown = JSON.parse(text);
    assert.deepEqual(got, want, text);
    assert.deepEqual(Object.keys(got as object), Object.keys(want as object), `${text}: key order`);
  }
  assert.equal(Object.getPrototypeOf(oracleJsonParse(R`{"__pr\u006fto__":{"polluted":true}}`)), Object.prototype);
  for (const bad of [R`{"\x":1}`, R`{"a" 1}`, R`{"a\":1}`, '']) assert.throws(() => oracleJsonParse(bad), SyntaxError, bad);
});
