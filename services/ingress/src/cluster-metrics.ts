import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import { IngressError } from './errors.ts';

/**
 * With INGRESS_WORKERS > 1 a scrape reaches one worker, which answers for the whole ingress: it asks the supervisor,
 * which gathers every worker's registry over IPC and merges them with prom-client's aggregators (counters and
 * histograms summed, gauges summed unless they say otherwise: the last-accepted timestamps take the maximum, the
 * process start time is left out, event-loop lag averaged). A worker is asked once it said it is ready, so one
 * still starting (or just replaced) is not waited for.
 */
const READY = 'wabus:ingress-metrics:ready'; // worker → supervisor: its registry answers
const GATHER = 'wabus:ingress-metrics:gather'; // worker → supervisor: the whole ingress, please
const ASK = 'wabus:ingress-metrics:ask'; // supervisor → worker: your registry
const PART = 'wabus:ingress-metrics:part'; // worker → supervisor: its registry
const WHOLE = 'wabus:ingress-metrics:whole'; // supervisor → worker: the merged exposition, or why not

type Json = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { type: typeof READY }
  | { type: typeof GATHER; id: number }
  | { type: typeof ASK; id: number }
  | { type: typeof PART; id: number; metrics: Json; error?: string }
  | { type: typeof WHOLE; id: number; text?: string; error?: string };

const isMessage = (m: unknown): m is Message => typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';

/** The supervisor's side: merges the ready workers' registries, and its own (`own`), for whichever worker asks. */
export function mergeWorkerMetrics(opts: { timeoutMs?: number; own?: Registry } = {}): void {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const ready = new Set<Worker>();
  const pending = new Map<number, { parts: Json[]; waiting: Set<Worker>; fail: (error: string) => void; finish: () => void }>();
  let next = 0;
  cluster.on('exit', (worker) => {
    ready.delete(worker);
    // A worker that died is not waited for: its counts died with it.
    for (const p of pending.values()) if (p.waiting.delete(worker) && p.waiting.size === 0) p.finish();
  });
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === READY) ready.add(worker);
    else if (message.type === PART) {
      const p = pending.get(message.id);
      if (p === undefined || !p.waiting.delete(worker)) return;
      if (message.error !== undefined) p.fail(`worker ${worker.process.pid}: ${message.error}`);
      else {
        p.parts.push(message.metrics);
        if (p.waiting.size === 0) p.finish();
      }
    } else if (message.type === GATHER) {
      const id = next++;
      const reply = (answer: { text?: string; error?: string }) => {
        if (worker.isConnected()) worker.send({ type: WHOLE, id: message.id, ...answer } satisfies Message);
      };
      const asked = [...ready].filter((w) => w.isConnected());
      const timer = setTimeout(
        () => p.fail(`worker ${[...p.waiting].map((w) => w.process.pid).join(', worker ')}: no answer within ${timeoutMs} ms`),
        timeoutMs,
      );
      const p = {
        parts: [] as Json[],
        waiting: new Set(asked),
        fail: (error: string) => {
          clearTimeout(timer);
          pending.delete(id);
          reply({ error });
        },
        finish: () => {
          clearTimeout(timer);
          pending.delete(id);
          Promise.resolve(opts.own?.getMetricsAsJSON() ?? [])
            .then((own) => AggregatorRegistry.aggregate([...p.parts, own]).metrics())
            .then(
              (text) => reply({ text }),
              (err: Error) => reply({ error: err.message }),
            );
        },
      };
      pending.set(id, p);
      for (const w of asked) w.send({ type: ASK, id } satisfies Message);
      if (asked.length === 0) p.finish();
    }
  });
}

/**
 * A worker's side: answers the supervisor with `registry`, says it is ready, and returns what its /metrics serves:
 * the whole ingress' exposition, asked of the supervisor. When a worker did not answer in time the scrape fails (503
 * WABUS_INGRESS_METRICS_UNAVAILABLE naming why) rather than sum the others: a counter that dropped would read as a reset.
 */
export function workerMetrics(registry: Registry, opts: { timeoutMs?: number } = {}): () => Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 6_000;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === ASK) {
      void registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: PART, id: message.id, metrics } satisfies Message),
        (err: Error) => process.send?.({ type: PART, id: message.id, metrics: [], error: err.message } satisfies Message),
      );
    } else if (message.type === WHOLE) {
      const w = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.text !== undefined) w?.resolve(message.text);
      else w?.reject(new IngressError('WABUS_INGRESS_METRICS_UNAVAILABLE', { message: message.error ?? 'no metrics' }));
    }
  });
  process.send?.({ type: READY } satisfies Message);
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(
          new IngressError('WABUS_INGRESS_METRICS_UNAVAILABLE', { message: `the supervisor did not answer for the workers' metrics within ${timeoutMs} ms` }),
        );
      }, timeoutMs);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      process.send?.({ type: GATHER, id } satisfies Message);
    });
}
