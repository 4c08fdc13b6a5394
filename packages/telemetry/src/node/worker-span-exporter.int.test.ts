import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { WorkerSpanExporter } from './worker-span-exporter.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An OTLP/HTTP receiver keeping every request body as received; answers `status`. */
async function receiver(status = 200) {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** OTLP_* for both exporters: they read process.env (a worker copies it when it starts). */
function otlpEnv(endpoint: string): void {
  process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = endpoint;
  process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'x-wabus-test=worker-exporter';
  process.env['OTEL_EXPORTER_OTLP_TIMEOUT'] = '5000';
}

/** Spans with everything the OTLP transformer reads: two resources, scopes, kinds, events, links, status, trace state, dropped counts. */
function makeSpans(processor: SpanProcessor, n: number): void {
  const limits = { spanLimits: { attributeCountLimit: 4, eventCountLimit: 2, linkCountLimit: 1 } };
  const a = new BasicTracerProvider({
    ...limits,
    resource: resourceFromAttributes({ 'service.name': 'a', 'service.namespace': 'wabus' }),
    spanProcessors: [processor],
  });
  const b = new BasicTracerProvider({ ...limits, resource: resourceFromAttributes({ 'service.name': 'b' }), spanProcessors: [processor] });
  const remote: Context = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=1'),
  });
  for (let i = 0; i < n; i++) {
    const tracer = (i % 2 === 0 ? a : b).getTracer(i % 3 === 0 ? '@wabus/ingress' : '@wabus/kafka', i % 3 === 0 ? '0.1.0' : undefined);
    const server = tracer.startSpan(
      'POST /webhook',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'wabus.items': i } },
      i % 4 === 0 ? remote : ROOT_CONTEXT,
    );
    const link = {
      context: { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1, isRemote: true, traceState: new TraceState('k=v') },
      attributes: { why: 'batch' },
    };
    const producer = tracer.startSpan('publish whatsapp.events.v1', { kind: SpanKind.PRODUCER, links: [link, link] }, trace.setSpan(ROOT_CONTEXT, server));
    producer.setAttributes({
      'messaging.system': 'kafka',
      'wabus.event_id': `wamid.${i}`,
      ratio: i / 7,
      ok: i % 2 === 0,
      list: ['x', 'y'],
      extra: 1,
      dropped: 2,
    });
    producer.addEvent('retry', { attempt: 1 });
    producer.addEvent('retry', { attempt: 2 }, [1_700_000_000, 5]);
    producer.addEvent('dropped');
    if (i % 5 === 0) producer.setStatus({ code: SpanStatusCode.ERROR, message: 'broker unavailable' });
    producer.end();
    server.setStatus({ code: SpanStatusCode.OK });
    server.end();
  }
}

const collect = (): SpanProcessor & { spans: ReadableSpan[] } => {
  const spans: ReadableSpan[] = [];
  return { spans, onStart: () => {}, onEnd: (s) => void spans.push(s), forceFlush: async () => {}, shutdown: async () => {} };
};

const exportWith = (exporter: { export: OTLPTraceExporter['export'] }, spans: ReadableSpan[]) =>
  new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));

test('given the same spans, then the worker exporter sends what the in-thread OTLP exporter sends, with the OTLP_* headers', async (t) => {
  const sink = await receiver();
  t.after(() => sink.close());
  otlpEnv(sink.endpoint);
  const spans = collect();
  makeSpans(spans, 50);

  const inThread = new OTLPTraceExporter();
  assert.equal((await exportWith(inThread, spans.spans)).code, 0);
  await inThread.shutdown();
  const worker = new WorkerSpanExporter();
  assert.equal((await exportWith(worker, spans.spans)).code, 0);
  await worker.shutdown();

  assert.equal(sink.requests.length, 2);
  const [expected, actual] = sink.requests as [Received, Received];
  assert.ok(expected.body.length > 10_000);
  assert.equal(actual.headers['x-wabus-test'], 'worker-exporter');
  assert.equal(actual.headers['content-type'], expected.headers['content-type']);
  assert.ok(actual.body.equals(expected.body), 'protobuf bodies differ');
});

test('given a receiver that refuses the export, then the export fails and says so', async (t) => {
  const sink = await receiver(400);
  t.after(() => sink.close());
  otlpEnv(sink.endpoint);
  const spans = collect();
  makeSpans(spans, 2);
  const worker = new WorkerSpanExporter();
  t.after(() => worker.shutdown());
  const result = await exportWith(worker, spans.spans);
  assert.equal(result.code, 1);
  assert.ok(result.error instanceof Error);
});

test('given spans still in the batch processor, when it shuts down, then every one is exported through the worker', async (t) => {
  const sink = await receiver();
  t.after(() => sink.close());
  otlpEnv(sink.endpoint);
  const spans = collect();
  const batch = new BatchSpanProcessor(new WorkerSpanExporter(), { scheduledDelayMillis: 60_000, maxExportBatchSize: 64, maxQueueSize: 1_000 });
  const both: SpanProcessor = {
    onStart: () => {},
    onEnd: (s) => (spans.onEnd(s), batch.onEnd(s)),
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
  makeSpans(both, 150); // 300 spans: four exports of 64 and one of 44, all on shutdown
  await both.shutdown();
  assert.equal(sink.requests.length, 5);

  const inThread = new OTLPTraceExporter();
  for (let i = 0; i < 5; i++) assert.equal((await exportWith(inThread, spans.spans.slice(i * 64, (i + 1) * 64))).code, 0);
  await inThread.shutdown();
  const sent = sink.requests.slice(0, 5).map((r) => r.body);
  const expected = sink.requests.slice(5).map((r) => r.body);
  assert.deepEqual(sent, expected);
});

const script = `
  import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
  const { WorkerSpanExporter } = await import(${JSON.stringify(fileURLToPath(new URL('./worker-span-exporter.ts', import.meta.url)))});
  const p = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new WorkerSpanExporter(), { scheduledDelayMillis: 60_000 })] });
  for (let i = 0; i < 10; i++) p.getTracer('t').startSpan('s' + i).end();
  await p.shutdown();
  console.log('shut down');
`;

test('given plain node (the production start: Node strips the types, no tsx), when the provider shuts down, then the spans are exported and the process ends by itself', async (t) => {
  const sink = await receiver();
  t.after(() => sink.close());
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  assert.equal(code, 0, out);
  assert.match(out, /shut down/);
  assert.equal(sink.requests.length, 1, out);
  assert.ok(sink.requests[0]!.body.includes('s9'));
});
