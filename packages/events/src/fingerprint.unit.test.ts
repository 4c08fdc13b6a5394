import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalForm, fingerprintBytes, rabinFingerprint64, schemaFingerprint } from './fingerprint.ts';
import { WHATSAPP_EVENT_SCHEMA_V1 } from './schema-v1.ts';

// Vectors from Apache Avro's share/test/data/schema-tests.txt (input, canonical form, signed
// 64-bit fingerprint), which the Java implementation cross-checks; the Ruby test suite gives the
// single-object header of "int": c3 01 8f 5c 39 3f 1a d5 75 72.
const VECTORS: Array<[input: string, canonical: string, fingerprint: bigint]> = [
  ['"null"', '"null"', 7195948357588979594n],
  ['{"type":"boolean"}', '"boolean"', -6970731678124411036n],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"long"}', '"long"', -3434872931120570953n],
  ['"float"', '"float"', 5583340709985441680n],
  ['"double"', '"double"', -8181574048448539266n],
  ['"bytes"', '"bytes"', 5746618253357095269n],
  ['"string"', '"string"', -8142146995180207161n],
  ['[ "int"  ]', '["int"]', -5232228896498058493n],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090n],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', 5916914534497305771n],
  ['{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}', '{"name":"a.b.foo","type":"record","fields":[]}', -4616218487480524110n],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  [
    '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    7843277075252814651n,
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},{"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  ['{"type":"enum", "name":"foo", "symbols":["A1"]}', '{"name":"foo","type":"enum","symbols":["A1"]}', -6342190197741309591n],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    -4448647247586288245n,
  ],
  ['{"name":"foo","type":"fixed","size":15}', '{"name":"foo","type":"fixed","size":15}', 1756455273707447556n],
  ['{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}', '{"name":"x.y.z.foo","type":"fixed","size":32}', -3064184465700546786n],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059n],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990n],
  [
    '{"name":"PigValue","type":"record","fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    -1759257747318642341n,
  ],
];

describe('CRC-64-AVRO fingerprint', () => {
  it('matches the Avro test vectors on canonical text', () => {
    for (const [, canonical, expected] of VECTORS) {
      assert.equal(BigInt.asIntN(64, rabinFingerprint64(Buffer.from(canonical))), expected, canonical);
    }
    // the empty union `[]` (avsc cannot build it as a type, but the hash is defined on text)
    assert.equal(BigInt.asIntN(64, rabinFingerprint64(Buffer.from('[]'))), -1241056759729112623n);
  });

  it('computes the Parsing Canonical Form of the spec inputs', () => {
    for (const [input, canonical, expected] of VECTORS) {
      const schema: unknown = JSON.parse(input);
      assert.equal(canonicalForm(schema as never), canonical, input);
      assert.equal(BigInt.asIntN(64, schemaFingerprint(schema as never)), expected, input);
    }
  });

  it('writes the fingerprint little-endian, as single-object encoding does', () => {
    assert.equal(schemaFingerprint('int'), 0x7275d51a3f395c8fn);
    assert.deepEqual([...fingerprintBytes(schemaFingerprint('int'))], [0x8f, 0x5c, 0x39, 0x3f, 0x1a, 0xd5, 0x75, 0x72]);
  });

  it('ignores docs, defaults and logical types of the event schema (they are not in the PCF)', () => {
    const pcf = canonicalForm(WHATSAPP_EVENT_SCHEMA_V1);
    assert.ok(pcf.startsWith('{"name":"wabus.events.WhatsAppEvent","type":"record","fields":['));
    assert.doesNotMatch(pcf, /doc|default|logicalType|\s/);
  });
});
