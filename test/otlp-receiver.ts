import { createServer, type Server } from 'node:http';

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value?: AnyValue };
type Scalar = string | number | boolean | Scalar[];

/** One exported span, flattened from OTLP/JSON (ids in hex, `kind` as OTLP numbers it: 1 internal … 5 consumer). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, Scalar>;
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface OtlpReceiver {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the services (they append `/v1/traces`). */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Every request body as received, to search for what must never be exported. */
  raw: string[];
  /** Resolves once `done(spans)` holds, re-checked on every export; rejects after `timeoutMs`. */
  waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const scalar = (v: AnyValue | undefined): Scalar => {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return (v.arrayValue?.values ?? []).map(scalar);
};
const attributesOf = (kvs: KeyValue[] | undefined): Record<string, Scalar> => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, scalar(kv.value)]));

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: KeyValue[];
        links?: { traceId: string; spanId: string }[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

/**
 * An OTLP/HTTP receiver for traces in OTLP/JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), on a free loopback port:
 * what a collector would receive, kept in memory for assertions.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(404).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      raw.push(text);
      for (const rs of (JSON.parse(text) as ExportRequest).resourceSpans ?? []) {
        const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              attributes: attributesOf(s.attributes),
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
              status: s.status ?? {},
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const w of waiters) w();
    });
  });
  // The exporters keep their connections alive between exports, and node's server closes an idle one after 5 s: an
  // export sent on a connection the server is closing fails (ECONNRESET) and the SDK drops that batch without a retry.
  // A collector keeps them longer; so does this one, for the length of a test.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    raw,
    waitFor(done, timeoutMs = 30_000) {
      if (done(spans)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(spans)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `spans not received within ${timeoutMs} ms (${spans.length} so far: ${[...new Set(spans.map((s) => `${s.service}:${s.name}`))].join(', ')})`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
