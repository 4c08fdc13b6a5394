import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { toSpanBatch, type SpanBatch } from './span-data.ts';

export type WorkerRequest = { type: 'export'; id: number; batch: SpanBatch } | { type: 'flush'; id: number } | { type: 'shutdown'; id: number };
export type WorkerReply = { id: number; ok: true } | { id: number; ok: false; error: string };

// ExportResultCode, without loading @opentelemetry/core for two numbers.
const SUCCESS = 0;
const FAILED = 1;

/**
 * How to start the worker on `entry`. A `.js` entry (a build) starts as it is, and so does a `.ts` one where Node
 * strips types itself (`typescript`: `process.features.typescript`, 'strip' on Node 22.18+ and 24: the production
 * image, which has no tsx). Elsewhere a `.ts` entry is loaded through tsx's require hook, registered in the worker
 * itself: on Node 20 neither a worker's inherited `--import tsx` nor tsx's `module.register()` hooks make a worker
 * load TypeScript (tried: "Unknown file extension .ts"), while the require hook is plain in-thread code.
 */
export function workerStart(
  entry: URL,
  resolve: (specifier: string) => string,
  typescript: string | false = process.features.typescript ?? false,
): { script: string | URL; eval: boolean } {
  if (!entry.pathname.endsWith('.ts') || typescript !== false) return { script: entry, eval: false };
  const tsx = JSON.stringify(resolve('tsx/cjs/api'));
  return { script: `require(${tsx}).register(); require(${JSON.stringify(fileURLToPath(entry))});`, eval: true };
}

const PASSED_ON = /^(--import|--require|-r|--conditions|-C|--enable-source-maps|--no-warnings|--no-deprecation|--experimental-[\w-]+)(=|$)/;

/** The flags of this process a worker gets: those of PASSED_ON, each with its value when it takes one. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const m = PASSED_ON.exec(arg);
    if (m === null) continue;
    out.push(arg);
    const takesValue = ['--import', '--require', '-r', '--conditions', '-C'].includes(m[1]!);
    if (takesValue && m[2] === '' && i + 1 < execArgv.length) out.push(execArgv[++i]!);
  }
  return out;
}

/**
 * A SpanExporter that hands each batch, as plain data, to a worker thread running the SDK's OTLP/HTTP protobuf
 * exporter, so that serializing a batch (about 6 ms for 2,048 spans) and sending it leave the event loop. The copy to
 * the worker costs about a third of that. Each export's result comes back from the worker, so the batch span
 * processor's accounting (one export in flight, its timeout, failures) is as with the exporter in this thread.
 *
 * The worker holds the process open only while an export, flush or shutdown is out; `shutdown` exports what was
 * sent, then ends the thread.
 */
export class WorkerSpanExporter implements SpanExporter {
  #worker: Worker;
  #pending = new Map<number, (reply: WorkerReply) => void>();
  #nextId = 1;
  #dead: string | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(entry: URL = new URL('./span-export-worker.ts', import.meta.url)) {
    const start = workerStart(entry, createRequire(import.meta.url).resolve);
    // Only flags that shape module loading and diagnostics pass on. A worker refuses process-wide flags
    // (ERR_WORKER_INVALID_EXEC_ARGV), and Node 24's `node --test` hands each test file's process a long list of them
    // (--stack-trace-limit, --v8-pool-size, --tls-cipher-list, …); --input-type (node -e) would make the bootstrap
    // an ES module, without require.
    const execArgv = workerExecArgv(process.execArgv);
    this.#worker = new Worker(start.script, { eval: start.eval, execArgv });
    this.#worker.unref();
    this.#worker.on('message', (reply: WorkerReply) => {
      const done = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      done?.(reply);
    });
    this.#worker.on('error', (err) => this.#fail(`span export worker failed: ${err.message}`));
    this.#worker.on('exit', (code) => this.#fail(`span export worker exited (code ${code})`));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let batch: SpanBatch;
    try {
      batch = toSpanBatch(spans);
    } catch (err) {
      resultCallback({ code: FAILED, error: err as Error });
      return;
    }
    this.#request((id) => ({ type: 'export', id, batch })).then(
      () => resultCallback({ code: SUCCESS }),
      (err: Error) => resultCallback({ code: FAILED, error: err }),
    );
  }

  forceFlush(): Promise<void> {
    return this.#request((id) => ({ type: 'flush', id }));
  }

  shutdown(): Promise<void> {
    if (this.#shutdown) return this.#shutdown;
    const drained = this.#request((id) => ({ type: 'shutdown', id }));
    this.#dead ??= 'span exporter shut down';
    this.#shutdown = drained
      .catch(() => {})
      .then(() => this.#worker.terminate())
      .then(() => {});
    return this.#shutdown;
  }

  #request(make: (id: number) => WorkerRequest): Promise<void> {
    if (this.#dead !== undefined) return Promise.reject(new Error(this.#dead));
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, (reply) => (reply.ok ? resolve() : reject(new Error(reply.error))));
      this.#worker.postMessage(make(id));
    });
  }

  #fail(reason: string): void {
    this.#dead ??= reason;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const done of pending) done({ id: 0, ok: false, error: reason });
  }
}
