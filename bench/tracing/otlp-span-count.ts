/** OTLP span kinds (SpanKind in trace.proto): 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export const OTLP_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface SpanCounts {
  total: number;
  byKind: Record<number, number>;
}

/**
 * Counts the spans of an ExportTraceServiceRequest without decoding the rest. The protobuf path walks only the
 * fields on the way (opentelemetry-proto `collector/trace/v1`, `trace/v1`): request.resource_spans = 1 →
 * ResourceSpans.scope_spans = 2 → ScopeSpans.spans = 2 → Span.kind = 6.
 */
export function countSpans(body: Buffer, format: 'protobuf' | 'json'): SpanCounts {
  const counts: SpanCounts = { total: 0, byKind: {} };
  const add = (kind: number) => {
    counts.total++;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
  };
  if (format === 'json') {
    const req = JSON.parse(body.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: { kind?: number }[] }[] }[] };
    for (const rs of req.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) add(s.kind ?? 0);
    return counts;
  }
  for (const rs of fields(body, 0, body.length, 1)) {
    for (const ss of fields(body, rs.start, rs.end, 2)) {
      for (const span of fields(body, ss.start, ss.end, 2)) add(varintField(body, span.start, span.end, 6) ?? 0);
    }
  }
  return counts;
}

interface Slice {
  start: number;
  end: number;
}

/** The length-delimited occurrences of field `wanted` in buf[start, end). */
function fields(buf: Buffer, start: number, end: number, wanted: number): Slice[] {
  const out: Slice[] = [];
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos);
    const field = tag >>> 3;
    const wire = tag & 7;
    pos = afterTag;
    if (wire === 2) {
      const [len, afterLen] = varint(buf, pos);
      pos = within(afterLen + len, end);
      if (field === wanted) out.push({ start: afterLen, end: pos });
    } else {
      pos = within(skip(buf, pos, wire), end);
    }
  }
  return out;
}

/** The value of varint field `wanted` in buf[start, end), if present. */
function varintField(buf: Buffer, start: number, end: number, wanted: number): number | undefined {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = varint(buf, pos);
    const field = tag >>> 3;
    const wire = tag & 7;
    pos = afterTag;
    if (wire === 0 && field === wanted) return varint(buf, pos)[0];
    if (wire === 2) {
      const [len, afterLen] = varint(buf, pos);
      pos = within(afterLen + len, end);
    } else {
      pos = within(skip(buf, pos, wire), end);
    }
  }
  return undefined;
}

/** A field must end inside its enclosing message: otherwise the request is truncated or not OTLP. */
function within(pos: number, end: number): number {
  if (pos > end) throw new Error(`protobuf field runs past its message (${pos} > ${end})`);
  return pos;
}

function skip(buf: Buffer, pos: number, wire: number): number {
  if (wire === 0) return varint(buf, pos)[1];
  if (wire === 1) return pos + 8;
  if (wire === 5) return pos + 4;
  throw new Error(`unexpected protobuf wire type ${wire} at ${pos}`);
}

/** A base-128 varint at `pos`: its value (up to 2^53) and the position after it. */
function varint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let factor = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated protobuf varint');
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * factor;
    if (byte < 0x80) return [value, pos];
    factor *= 128;
  }
}
