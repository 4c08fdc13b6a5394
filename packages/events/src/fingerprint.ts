import avsc from 'avsc';

/**
 * CRC-64-AVRO (Rabin) fingerprint, as the Avro specification ("Schema Fingerprints") defines it:
 * EMPTY = 0xc15d213aa4d7a795, table-driven, over the UTF-8 bytes of the Parsing Canonical Form.
 * Checked against Avro's share/test/data/schema-tests.txt vectors in the unit test.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK64 = 0xffffffffffffffffn;

const TABLE: bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n) & MASK64);
  return fp;
});

/** The 64-bit Rabin fingerprint of `bytes`, unsigned. */
export function rabinFingerprint64(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

/**
 * Parsing Canonical Form of a schema. avsc's `schema()` (no options) emits exactly PCF: full names,
 * only the attributes relevant to parsing, in the spec's order, no whitespace, no logicalType.
 */
export function canonicalForm(schema: avsc.Schema): string {
  return JSON.stringify(avsc.Type.forSchema(schema).schema());
}

/** CRC-64-AVRO fingerprint of a schema's Parsing Canonical Form. */
export function schemaFingerprint(schema: avsc.Schema): bigint {
  return rabinFingerprint64(Buffer.from(canonicalForm(schema), 'utf8'));
}

/** The fingerprint as Avro single-object encoding writes it: 8 bytes, little-endian. */
export function fingerprintBytes(fingerprint: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(fingerprint);
  return out;
}

export function fingerprintHex(fingerprint: bigint): string {
  return fingerprint.toString(16).padStart(16, '0');
}
