import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { countSpans, type SpanCounts } from './otlp-span-count.ts';

export interface OtlpSink {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for a service (it appends `/v1/traces`). */
  endpoint: string;
  /** Spans received so far, by kind, over every export request. */
  counts(): SpanCounts & { requests: number; bytes: number };
  /** Starts counting from zero (between targets). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The cheapest OTLP/HTTP trace receiver that still reads what it receives: it accepts `POST /v1/traces` as
 * http/protobuf (the SDK's default) or http/json, counts the spans by kind and answers 200 with an empty
 * ExportTraceServiceResponse. A real collector would do more per span; this one keeps the bench's measure on what
 * tracing costs the service, while proving every span arrived.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  let totals = fresh();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const json = String(req.headers['content-type']).startsWith('application/json');
      const c = countSpans(body, json ? 'json' : 'protobuf');
      totals.requests++;
      totals.bytes += body.length;
      totals.total += c.total;
      for (const [kind, n] of Object.entries(c.byKind)) totals.byKind[Number(kind)] = (totals.byKind[Number(kind)] ?? 0) + n;
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...totals, byKind: { ...totals.byKind } }),
    reset: () => {
      totals = fresh();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function fresh(): SpanCounts & { requests: number; bytes: number } {
  return { total: 0, byKind: {}, requests: 0, bytes: 0 };
}
