import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countSpans, OTLP_KIND } from './otlp-span-count.ts';

// A hand-made protobuf encoder, just enough to build requests shaped like the SDK's.
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const len = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const num = (field: number, n: number): number[] => [...varint(field << 3), ...varint(n)];
const fixed64 = (field: number): number[] => [...varint((field << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8];
const text = (field: number, s: string): number[] => len(field, [...Buffer.from(s)]);

/** Span: trace_id 1, span_id 2, name 5, kind 6, start/end time 7/8 (fixed64), attributes 9. */
const span = (kind: number | undefined, name: string): number[] => [
  ...len(1, Array(16).fill(7)),
  ...len(2, Array(8).fill(9)),
  ...text(5, name),
  ...(kind === undefined ? [] : num(6, kind)),
  ...fixed64(7),
  ...fixed64(8),
  ...len(9, [...text(1, 'wabus.event_id'), ...len(2, text(1, 'x'.repeat(200)))]),
];
const scopeSpans = (...spans: number[][]): number[] => [...len(1, text(1, '@wabus/ingress')), ...spans.flatMap((s) => len(2, s))];
const resourceSpans = (...scopes: number[][]): number[] => [...len(1, len(1, text(1, 'service.name'))), ...scopes.flatMap((s) => len(2, s))];
const request = (...rs: number[][]): Buffer => Buffer.from(rs.flatMap((r) => len(1, r)));

test('given a protobuf export request, then every span of every scope and resource is counted by kind', () => {
  const body = request(
    resourceSpans(scopeSpans(span(OTLP_KIND.server, 'POST /webhook'), span(OTLP_KIND.producer, 'publish a'), span(OTLP_KIND.producer, 'publish b'))),
    resourceSpans(scopeSpans(span(OTLP_KIND.consumer, 'process a')), scopeSpans(span(undefined, 'unspecified kind'))),
  );
  assert.deepEqual(countSpans(body, 'protobuf'), { total: 5, byKind: { 0: 1, 2: 1, 4: 2, 5: 1 } });
});

test('given an empty request, then nothing is counted', () => {
  assert.deepEqual(countSpans(Buffer.alloc(0), 'protobuf'), { total: 0, byKind: {} });
});

test('given a truncated request, then it fails rather than undercount', () => {
  const body = request(resourceSpans(scopeSpans(span(OTLP_KIND.server, 'x'))));
  assert.throws(() => countSpans(body.subarray(0, body.length - 3), 'protobuf'));
});

test('given an http/json export request, then its spans are counted the same way', () => {
  const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 2 }, { kind: 4 }] }, { spans: [{ kind: 4 }] }] }] }));
  assert.deepEqual(countSpans(body, 'json'), { total: 3, byKind: { 2: 1, 4: 2 } });
});
