import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecordsBatch } from '@platformatic/kafka';
import type { ProduceMessage } from './produce-types.ts';
import { RECORD_BATCH_OVERHEAD, recordBytes } from './record-size.ts';

/** The batch the client really writes for these records (what the broker measures), uncompressed. */
function encodedBatchBytes(messages: ProduceMessage[]): number {
  const toBuffer = (v: string | Buffer | null | undefined) => (v === null || v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v));
  return createRecordsBatch(
    messages.map((m) => ({
      topic: 't',
      key: toBuffer(m.key),
      value: toBuffer(m.value),
      headers: new Map(Object.entries(m.headers ?? {}).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
      timestamp: BigInt(m.timestamp ?? Date.now()),
    })) as never,
    { producerId: 1234n, producerEpoch: 0 },
  ).length;
}

const sample = (size: number, headers: Record<string, string> = {}): ProduceMessage => ({
  key: 'a'.repeat(64),
  value: Buffer.alloc(size, 0x61),
  headers,
  timestamp: '1731705721000',
});

test('recordBytes: a batch of records whose bounds fit a limit is never larger than that limit as the client encodes it, and the bound is tight', () => {
  const headers = { 'wabus-delivery-id': 'f'.repeat(64), 'wabus-received-at': '1731705721000', 'wabus-secret': 'bench', traceparent: '00-' + '1'.repeat(51) };
  for (const batch of [
    [sample(0)],
    [sample(100, headers)],
    [sample(3 * 1024 * 1024, headers)],
    Array.from({ length: 500 }, (_, i) => sample(i * 7, headers)),
    [{ key: null, value: 'café ✓ — non-ASCII counts in bytes', headers: { 'wabus-tenant': 'açaí' } }],
  ]) {
    const bound = RECORD_BATCH_OVERHEAD + batch.reduce((n, m) => n + recordBytes(m), 0);
    const real = encodedBatchBytes(batch);
    assert.ok(bound >= real, `bound ${bound} < encoded ${real}`);
    // At most the varints' unused width: 36 bytes a record, 8 a header.
    const slack = batch.reduce((n, m) => n + 36 + 8 * Object.keys(m.headers ?? {}).length, 0);
    assert.ok(bound - real <= slack, `bound ${bound} is loose: encoded ${real}`);
  }
});

test('recordBytes: the header of an empty batch is what RECORD_BATCH_OVERHEAD says', () => {
  const one = sample(0, {});
  const single = encodedBatchBytes([one]);
  // The record alone, its varints zigzag-encoded at real widths: length 2, attributes 1, timestamp delta 1, offset
  // delta 1, key length 2 + 64, value length 1, header count 1 = 73.
  assert.equal(single - 73, RECORD_BATCH_OVERHEAD);
});
