import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RECORD_HEADERS } from './event-records.ts';
import { createChunkAssembler, splitIntoChunks } from './raw-chunks.ts';

const bodyOf = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
const rawRecord = (body: Buffer) => ({
  key: createHash('sha256').update(body).digest('hex'),
  value: body,
  headers: { [RECORD_HEADERS.disposition]: 'quarantined', [RECORD_HEADERS.quarantineReason]: 'too_large' } as Record<string, string>,
  timestamp: '1731705721000',
});

test('given a body and a piece size, then the pieces cover it in order, each with the body’s key, headers, count and length', () => {
  const body = bodyOf(10_001);
  const pieces = splitIntoChunks(rawRecord(body), 4_000);
  assert.deepEqual(
    pieces.map((p) => [
      p.value.length,
      p.headers[RECORD_HEADERS.chunk],
      p.headers[RECORD_HEADERS.bodyBytes],
      p.headers[RECORD_HEADERS.quarantineReason],
      p.timestamp,
    ]),
    [
      [4_000, '1/3', '10001', 'too_large', '1731705721000'],
      [4_000, '2/3', '10001', 'too_large', '1731705721000'],
      [2_001, '3/3', '10001', 'too_large', '1731705721000'],
    ],
  );
  assert.deepEqual(Buffer.concat(pieces.map((p) => p.value)), body);
  assert.equal(new Set(pieces.map((p) => p.key)).size, 1);
  assert.throws(() => splitIntoChunks(rawRecord(body), 0), RangeError);
});

test('given pieces read in topic order, then the body comes back once its last piece is read, checked by its delivery id', () => {
  const a = splitIntoChunks(rawRecord(bodyOf(9_000)), 4_000);
  const b = splitIntoChunks(rawRecord(bodyOf(5_000)), 4_000);
  const whole = rawRecord(bodyOf(100));
  const assembler = createChunkAssembler();
  // Two bodies' pieces interleaved (other partitions' records are read in between), a whole record among them.
  const seen = [a[0]!, b[0]!, whole, a[1]!, b[1]!, a[2]!].map((r) => assembler.add(r));
  assert.deepEqual(
    seen.map((s) => s.kind),
    ['pending', 'pending', 'whole', 'pending', 'assembled', 'assembled'],
  );
  assert.deepEqual(seen[4], { kind: 'assembled', body: bodyOf(5_000) });
  assert.deepEqual(seen[5], { kind: 'assembled', body: bodyOf(9_000) });
  assert.equal(assembler.pending(), 0);
});

test('given a body delivered twice, its pieces interleaved by two writers, then it is assembled from either copy', () => {
  const first = splitIntoChunks(rawRecord(bodyOf(7_000)), 3_000);
  const second = splitIntoChunks(rawRecord(bodyOf(7_000)), 3_000);
  const assembler = createChunkAssembler();
  const kinds = [first[0]!, second[0]!, first[1]!, second[1]!, first[2]!, second[2]!].map((r) => assembler.add(r).kind);
  assert.deepEqual(kinds, ['pending', 'pending', 'pending', 'pending', 'assembled', 'pending']);
  assert.equal(assembler.pending(), 1, 'the second copy lacks its first pieces now: said, not assembled wrongly');
});

test('given pieces that do not make their body, then that is said, never a wrong body', () => {
  const pieces = splitIntoChunks(rawRecord(bodyOf(6_000)), 3_000);
  const tampered = { ...pieces[1]!, value: Buffer.from(pieces[1]!.value).fill(0x7a, 0, 1) };
  const assembler = createChunkAssembler();
  assembler.add(pieces[0]!);
  assert.deepEqual(assembler.add(tampered), { kind: 'bad', reason: 'the pieces do not hash to the delivery id' });
  assert.equal(assembler.add({ ...pieces[0]!, headers: { ...pieces[0]!.headers, [RECORD_HEADERS.chunk]: '3/2' } }).kind, 'bad');
});
