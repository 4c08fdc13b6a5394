import { createBodyGenerator } from './body-generator.ts';
import type { ExpectedItem } from './generated-item.ts';
import { createHttpPoster, type PostResult } from './http-poster.ts';
import { summarizeLatencies } from './latency-summary.ts';
import { createRetryQueue } from './retry-queue.ts';
import { createRng } from './rng.ts';
import { signBody } from './sign-body.ts';
import { resolveOptions, type SimulationOptions, type SimulationProgress, type SimulationReport } from './simulation-options.ts';

/** The items of one distinct body; a 2xx on any of its posts marks them expected. Kept apart so bodies can be freed. */
interface Expectation {
  items: ExpectedItem[];
  accepted: boolean;
}

/** One distinct body; its re-posts share it. */
interface BodyRecord {
  body: Buffer;
  signature: string;
  itemCount: number;
  expectation: Expectation | null;
}

interface Outgoing {
  record: BodyRecord;
  duplicate: boolean;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Posts signed, generated webhook bodies to `url` and reports what came back. Open-loop at `rate` bodies per
 * second (sends are scheduled by the clock, not by responses; when `concurrency` requests are in flight a send is
 * skipped and counted), or closed-loop with `concurrency` workers when `rate` is 0. Stops by itself at
 * `durationMs` or `maxRequests`, then waits for requests in flight (each bounded by `timeoutMs`).
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const o = resolveOptions(options);
  const now = o.now;
  const generator = createBodyGenerator({ ...options.generator, seed: o.seed, kinds: o.kinds, batch: o.batch });
  const dupRng = createRng(o.seed).fork('duplicates');
  const poster = options.poster ?? createHttpPoster({ url: o.url, maxSockets: o.concurrency, timeoutMs: o.timeoutMs, now });
  const retries = createRetryQueue<BodyRecord>();
  const expectations: Expectation[] = [];
  const latencies: number[] = [];
  const byStatus: Record<number, number> = {};
  const errorsByCode: Record<string, number> = {};
  const c = { sent: 0, accepted: 0, rejected: 0, unavailable: 0, errors: 0, skipped: 0, duplicatesSent: 0, itemsSent: 0, uniqueItemsSent: 0, inFlight: 0 };
  const startedAt = now();
  const deadline = startedAt + o.durationMs;
  let scheduled = 0;

  const nextOutgoing = (): Outgoing => {
    const due = retries.popDue(now());
    if (due !== undefined) return { record: due, duplicate: true };
    const { body, items } = generator.next();
    const expectation = o.collectExpected ? { items, accepted: false } : null;
    if (expectation !== null) expectations.push(expectation);
    const record: BodyRecord = { body, signature: signBody(body, o.secret), itemCount: items.length, expectation };
    c.uniqueItemsSent += items.length;
    if (o.duplicates > 0 && dupRng.chance(o.duplicates)) {
      const { min, max } = o.duplicateDelayMs;
      retries.push(now() + min + dupRng.next() * (max - min), record);
    }
    return { record, duplicate: false };
  };

  const settle = (out: Outgoing, result: PostResult) => {
    c.inFlight--;
    if (!result.ok) {
      c.errors++;
      errorsByCode[result.error] = (errorsByCode[result.error] ?? 0) + 1;
      return;
    }
    latencies.push(result.latencyMs);
    byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
    if (result.status >= 200 && result.status < 300) {
      c.accepted++;
      if (out.record.expectation !== null) out.record.expectation.accepted = true;
    } else if (result.status >= 400 && result.status < 500) c.rejected++;
    else if (result.status >= 500) c.unavailable++;
  };

  const send = (): Promise<void> => {
    const out = nextOutgoing();
    c.sent++;
    c.inFlight++;
    c.itemsSent += out.record.itemCount;
    if (out.duplicate) c.duplicatesSent++;
    return poster.post(out.record.body, out.record.signature).then((result) => settle(out, result));
  };

  const progress = (): SimulationProgress => ({
    elapsedMs: now() - startedAt,
    sent: c.sent,
    accepted: c.accepted,
    rejected: c.rejected,
    unavailable: c.unavailable,
    errors: c.errors,
    skipped: c.skipped,
    inFlight: c.inFlight,
  });
  const onProgress = options.onProgress;
  const ticker = onProgress === undefined ? undefined : setInterval(() => onProgress(progress()), o.progressIntervalMs);
  ticker?.unref();

  const inFlight = new Set<Promise<void>>();
  try {
    if (o.rate > 0) {
      const interval = 1000 / o.rate;
      while (scheduled < o.maxRequests) {
        const due = startedAt + scheduled * interval;
        if (due >= deadline) break;
        const wait = due - now();
        // Timers are ~1 ms coarse: shorter waits send at once, yielding now and then so responses get read.
        if (wait >= 1) await o.sleep(wait);
        else if (scheduled % 32 === 0) await yieldToLoop();
        if (now() >= deadline) break;
        scheduled++;
        if (c.inFlight >= o.concurrency) {
          c.skipped++;
          continue;
        }
        const p = send().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    } else {
      const worker = async () => {
        while (scheduled < o.maxRequests && now() < deadline) {
          scheduled++;
          await send();
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, worker));
    }
    await Promise.all(inFlight);
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    if (options.poster === undefined) poster.close();
  }

  const durationMs = now() - startedAt;
  return {
    seed: o.seed,
    sent: c.sent,
    accepted: c.accepted,
    rejected: c.rejected,
    unavailable: c.unavailable,
    errors: c.errors,
    skipped: c.skipped,
    duplicatesSent: c.duplicatesSent,
    duplicatesPending: retries.size(),
    byStatus,
    errorsByCode,
    latencyMs: summarizeLatencies(latencies),
    durationMs,
    requestsPerSecond: durationMs > 0 ? (c.sent * 1000) / durationMs : 0,
    itemsSent: c.itemsSent,
    uniqueItemsSent: c.uniqueItemsSent,
    expectedItems: o.collectExpected ? expectations.filter((e) => e.accepted).flatMap((e) => e.items) : undefined,
  };
}
