import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRawNumber, rawNumber, serializeLikeMeta } from './meta-json.ts';
import { SimulatorError } from './errors.ts';

test('given unicode, slashes and emoji, then bytes are pure ASCII with Meta-style escapes', () => {
  const value = { text: 'café', mime: 'image/jpeg', emoji: '😀', at: 'a@b.co', rtl: 'שלום' };
  const text = serializeLikeMeta(value).toString('latin1');
  assert.ok(text.includes('caf\\u00e9'));
  assert.ok(text.includes('image\\/jpeg'));
  assert.ok(text.includes('\\ud83d\\ude00'));
  assert.ok(text.includes('a\\u0040b.co'));
  assert.match(text, /^[\x20-\x7e]*$/);
  assert.equal(text, '{"text":"caf\\u00e9","mime":"image\\/jpeg","emoji":"\\ud83d\\ude00","at":"a\\u0040b.co","rtl":"\\u05e9\\u05dc\\u05d5\\u05dd"}');
});

test('given escapeAt false, then @ stays literal', () => {
  assert.equal(serializeLikeMeta({ a: 'x@y' }, { escapeAt: false }).toString(), '{"a":"x@y"}');
});

test('given any JSON value, then JSON.parse of the bytes equals the value', () => {
  const value = {
    s: 'line\nnext\t"quoted" \\ back \u0001 \u007f \u2028 👨‍👩‍👧 🇧🇷',
    n: [0, -1, 1.5, 1e21, 123456789],
    b: [true, false, null],
    nested: { deep: [{ k: 'v/w' }], empty: {}, list: [] },
    'kéy/@': 'v',
  };
  assert.deepEqual(JSON.parse(serializeLikeMeta(value).toString()), value);
});

test('given undefined values, then they are left out of objects and null in arrays, like JSON.stringify', () => {
  const value = { a: undefined, b: [undefined, 1], c: 2 };
  assert.equal(serializeLikeMeta(value).toString(), JSON.stringify(value));
});

test('given a 64-bit RawNumber, then the literal is written unchanged and parses to the rounded number', () => {
  const id = '1234567890123456789';
  const bytes = serializeLikeMeta({ message_template_id: rawNumber(id), n: rawNumber(BigInt('9007199254740993')) });
  assert.equal(bytes.toString(), `{"message_template_id":${id},"n":9007199254740993}`);
  const parsed = JSON.parse(bytes.toString()) as { message_template_id: number };
  assert.equal(parsed.message_template_id, Number(id));
  assert.notEqual(String(parsed.message_template_id), id, 'JSON.parse rounds it: that is why it must be raw');
  assert.ok(isRawNumber(rawNumber('1')));
  assert.equal(JSON.stringify({ x: rawNumber('42') }), '{"x":42}');
});

test('given a non-literal, then rawNumber throws WABUS_SIM_INVALID_RAW_NUMBER', () => {
  for (const bad of ['', '01', '1e', 'NaN', '1 ', '0x10']) {
    assert.throws(
      () => rawNumber(bad),
      (e) => SimulatorError.is(e, 'WABUS_SIM_INVALID_RAW_NUMBER'),
      bad,
    );
  }
});
