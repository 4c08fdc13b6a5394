// Worker thread entry (see worker-span-exporter.ts): runs the SDK's own OTLP/HTTP protobuf exporter, configured by
// the same OTEL_EXPORTER_OTLP_* variables (a worker gets a copy of the parent's process.env), on span batches posted
// as plain data, and answers each request with its result.
import { parentPort } from 'node:worker_threads';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { fromSpanBatch } from './span-data.ts';
import type { WorkerReply, WorkerRequest } from './worker-span-exporter.ts';

const port = parentPort;
if (port === null) throw new Error('span-export-worker.ts runs only as a worker thread');

const exporter = new OTLPTraceExporter();
const reply = (message: WorkerReply): void => port.postMessage(message);
const failed = (id: number, err: unknown): WorkerReply => ({ id, ok: false, error: err instanceof Error ? err.message : String(err) });

port.on('message', (request: WorkerRequest) => {
  switch (request.type) {
    case 'export':
      exporter.export(fromSpanBatch(request.batch), (result) =>
        reply(result.code === 0 ? { id: request.id, ok: true } : failed(request.id, result.error ?? 'export failed')),
      );
      return;
    case 'flush':
      exporter.forceFlush().then(
        () => reply({ id: request.id, ok: true }),
        (err: unknown) => reply(failed(request.id, err)),
      );
      return;
    case 'shutdown':
      exporter
        .shutdown()
        .then(
          () => reply({ id: request.id, ok: true }),
          (err: unknown) => reply(failed(request.id, err)),
        )
        // Nothing left to do: let the thread end on its own.
        .finally(() => port.close());
      return;
    default:
      request satisfies never;
  }
});
