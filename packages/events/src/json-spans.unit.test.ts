import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidJsonError } from './errors.ts';
import { minify } from './json-minify.ts';
import { getMember } from './json-node.ts';
import { parseJsonSpans } from './json-spans.ts';
import type { JsonNode } from './json-node.ts';
import { toJsonValue } from './json-value.ts';

const parse = (text: string | Buffer): JsonNode => parseJsonSpans(typeof text === 'string' ? Buffer.from(text) : text);
const slice = (buf: Buffer, node: JsonNode | undefined): string => {
  assert.ok(node);
  return buf.toString('utf8', node.start, node.end);
};

function assertRejects(input: string | Buffer, offset: number, reason?: RegExp): void {
  assert.throws(
    () => parse(input),
    (err: unknown) => {
      assert.ok(err instanceof InvalidJsonError, `expected InvalidJsonError, got ${String(err)}`);
      assert.equal(err.code, 'WABUS_EVENTS_INVALID_JSON');
      assert.equal(err.offset, offset, `offset for ${JSON.stringify(String(input))}: ${err.message}`);
      if (reason) assert.match(err.message, reason);
      return true;
    },
  );
}

describe('parseJsonSpans', () => {
  it('keeps the exact byte span of every value', () => {
    // given a body with whitespace, escapes and non-ASCII text
    const body = Buffer.from(' {"a" : [1, {"b":"caf\\u00e9"}] ,\n "c":"é/\\/"}  ');
    // when parsed
    const root = parse(body);
    // then every slice is the text as written
    assert.equal(slice(body, root), '{"a" : [1, {"b":"caf\\u00e9"}] ,\n "c":"é/\\/"}');
    assert.equal(slice(body, getMember(root, 'a')), '[1, {"b":"caf\\u00e9"}]');
    const inner = getMember(root, 'a');
    assert.equal(inner?.type, 'array');
    if (inner?.type === 'array') assert.equal(slice(body, inner.items[1]), '{"b":"caf\\u00e9"}');
    assert.equal(slice(body, getMember(root, 'c')), '"é/\\/"');
  });

  it('decodes strings: escapes, surrogate pairs, literal UTF-8', () => {
    const root = parse('["caf\\u00e9","\\ud83d\\ude2e","😮","\\"\\\\\\/\\b\\f\\n\\r\\t","\\ud800",""]');
    assert.deepEqual(toJsonValue(root), ['café', '😮', '😮', '"\\/\b\f\n\r\t', '\ud800', '']);
  });

  it('keeps numbers as written, beyond double precision too', () => {
    const root = parse('[12345678901234567890, -0.5e+10, 0, 1E3]');
    assert.equal(root.type, 'array');
    if (root.type !== 'array') return;
    assert.deepEqual(
      root.items.map((n) => (n.type === 'number' ? n.raw : null)),
      ['12345678901234567890', '-0.5e+10', '0', '1E3'],
    );
    assert.deepEqual(toJsonValue(root), ['12345678901234567890', -0.5e10, 0, 1000]);
  });

  it('keeps duplicate keys in order and resolves lookups to the last', () => {
    const root = parse('{"k":1,"k":2}');
    assert.equal(root.type, 'object');
    if (root.type !== 'object') return;
    assert.deepEqual(
      root.members.map((m) => m.key),
      ['k', 'k'],
    );
    assert.deepEqual(toJsonValue(getMember(root, 'k')!), 2);
  });

  it('parses literals and empty containers', () => {
    assert.deepEqual(toJsonValue(parse('{"t":true,"f":false,"n":null,"o":{},"a":[]}')), {
      t: true,
      f: false,
      n: null,
      o: {},
      a: [],
    });
  });

  it('agrees with JSON.parse on valid documents', () => {
    const samples = ['{"a":[1,2,{"b":null}],"c":"x\\ny"}', '"\\u0041\\u00DF\\u6771\\uD834\\uDD1E"', '-1.25e-3', '  [ ]  '];
    for (const text of samples) assert.deepEqual(toJsonValue(parse(text)), JSON.parse(text));
  });

  it('rejects invalid JSON with the byte offset', () => {
    assertRejects('', 0);
    assertRejects('{', 1);
    assertRejects('{"a":1,}', 7, /string key/);
    assertRejects('[1,]', 3);
    assertRejects('01', 1, /after the JSON value/);
    assertRejects('{"a":1} x', 8, /after the JSON value/);
    assertRejects('"a\u0001"', 2, /control character/);
    assertRejects('"tab\there"', 4, /control character/);
    assertRejects('"\\x"', 1, /invalid escape/);
    assertRejects('"\\u12G4"', 1, /\\u escape/);
    assertRejects('"abc', 4, /unterminated/);
    assertRejects('tru', 3);
    assertRejects('nul', 3);
    assertRejects('1.', 2);
    assertRejects('-', 1);
    assertRejects('1e', 2);
    assertRejects("{'a':1}", 1);
    assertRejects('NaN', 0);
    assertRejects('\ufeff{}', 0);
  });

  it('rejects invalid UTF-8 anywhere, with its offset', () => {
    assertRejects(Buffer.from([0x22, 0x61, 0xc3, 0x28, 0x22]), 2, /UTF-8/);
    // overlong encoding of '/', and an encoded surrogate
    assertRejects(Buffer.from([0x22, 0xc0, 0xaf, 0x22]), 1, /UTF-8/);
    assertRejects(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), 1, /UTF-8/);
    // truncated sequence at the end
    assertRejects(Buffer.from([0x22, 0x61, 0x22, 0xe2, 0x82]), 3, /UTF-8/);
  });

  it('rejects nesting deeper than the limit', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    assert.doesNotThrow(() => parse(deep(64)));
    assertRejects(deep(65), 64, /nesting/);
    assert.doesNotThrow(() => parseJsonSpans(Buffer.from(deep(100)), { maxDepth: 100 }));
  });
});

describe('minify', () => {
  it('removes whitespace between tokens and keeps strings byte for byte', () => {
    const body = Buffer.from('{\n  "a" : [ 1 , 2 ],\t"s": " caf\\u00e9 \\" x " \r\n}');
    assert.equal(minify(body, 0, body.length).toString(), '{"a":[1,2],"s":" caf\\u00e9 \\" x "}');
  });

  it('handles an escaped backslash right before a closing quote', () => {
    const body = Buffer.from('[ "a\\\\" , "b" ]');
    assert.equal(minify(body).toString(), '["a\\\\","b"]');
  });

  it('returns a view of compact input without copying', () => {
    const body = Buffer.from('xx{"a":1}yy');
    const out = minify(body, 2, 9);
    assert.equal(out.toString(), '{"a":1}');
    assert.equal(out.buffer, body.buffer);
  });

  it('minifies a sub-span only', () => {
    const body = Buffer.from('{ "outer": { "in" : [ 1 ] } }');
    const inner = getMember(parse(body), 'outer')!;
    assert.equal(minify(body, inner.start, inner.end).toString(), '{"in":[1]}');
  });
});
