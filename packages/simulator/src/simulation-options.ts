import { setTimeout as sleep } from 'node:timers/promises';
import type { BodyGeneratorOptions } from './body-generator.ts';
import { SimulatorError } from './errors.ts';
import type { ExpectedItem } from './generated-item.ts';
import type { Poster } from './http-poster.ts';
import type { LatencySummary } from './latency-summary.ts';

export interface SimulationOptions {
  url: string;
  secret: string;
  /** Bodies per second, paced open-loop by the clock; 0 = as fast as `concurrency` closed-loop workers go. */
  rate: number;
  durationMs: number;
  /** Cap on scheduled sends (sent + skipped). Default 10 000 000. */
  maxRequests?: number;
  /** Kind names or aliases (`message`, `status`, `account`, `all`); default all. */
  kinds?: readonly string[];
  /** Probability 0..1 that a body is posted again later, byte-identical (a Meta retry). Default 0. */
  duplicates?: number;
  /** When a re-post goes out, after its first post. Default 50..2000 ms. */
  duplicateDelayMs?: { min: number; max: number };
  /** Items per body. Default 1, at most 1000 (Meta's batch limit). */
  batch?: number;
  /** Most requests in flight (and keep-alive sockets). Default 16. */
  concurrency?: number;
  /** Default: the clock; the report carries the seed used, so a run can be repeated. */
  seed?: number | string;
  /** Keep `expectedItems` in the report (memory grows with the run). Default false. */
  collectExpected?: boolean;
  /** Whole-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
  onProgress?: (progress: SimulationProgress) => void;
  /** Default 1000 ms. */
  progressIntervalMs?: number;
  /** World and mix options passed to the body generator (business numbers, customers, mix, wall clock). */
  generator?: Omit<BodyGeneratorOptions, 'seed' | 'kinds' | 'batch'>;
  /** Monotonic milliseconds. Default performance.now. */
  now?: () => number;
  /** Waits `ms` on the clock `now` reads (open-loop pacing). Default a timer; a test passes a virtual clock's. */
  sleep?: (ms: number) => Promise<void>;
  /** Transport; default a keep-alive node:http poster to `url`. */
  poster?: Poster;
}

export interface SimulationProgress {
  elapsedMs: number;
  sent: number;
  accepted: number;
  rejected: number;
  unavailable: number;
  errors: number;
  skipped: number;
  inFlight: number;
}

export interface SimulationReport {
  seed: number | string;
  /** Requests started (fresh bodies and re-posts). */
  sent: number;
  /** 2xx. */
  accepted: number;
  /** 4xx. */
  rejected: number;
  /** 5xx. */
  unavailable: number;
  /** No HTTP answer (refused, reset, timed out). */
  errors: number;
  /** Open-loop sends not made because `concurrency` requests were already in flight. */
  skipped: number;
  duplicatesSent: number;
  /** Re-posts still waiting when the run ended; never sent. */
  duplicatesPending: number;
  byStatus: Record<number, number>;
  errorsByCode: Record<string, number>;
  latencyMs: LatencySummary;
  durationMs: number;
  requestsPerSecond: number;
  /** Items in every request, re-posts included. */
  itemsSent: number;
  /** Items in distinct bodies. */
  uniqueItemsSent: number;
  /** With `collectExpected`: items of distinct bodies that got a 2xx at least once, in first-send order. */
  expectedItems?: ExpectedItem[];
}

export interface ResolvedOptions extends Required<Omit<SimulationOptions, 'onProgress' | 'generator' | 'poster' | 'seed' | 'kinds'>> {
  seed: number | string;
  kinds: readonly string[] | undefined;
}

function check(ok: boolean, name: string, rule: string): void {
  if (!ok) throw new SimulatorError('WABUS_SIM_INVALID_OPTION', { message: `${name} must be ${rule}` });
}

export function resolveOptions(o: SimulationOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    url: o.url,
    secret: o.secret,
    rate: o.rate,
    durationMs: o.durationMs,
    maxRequests: o.maxRequests ?? 10_000_000,
    kinds: o.kinds,
    duplicates: o.duplicates ?? 0,
    duplicateDelayMs: o.duplicateDelayMs ?? { min: 50, max: 2000 },
    batch: o.batch ?? 1,
    concurrency: o.concurrency ?? 16,
    seed: o.seed ?? Date.now(),
    collectExpected: o.collectExpected ?? false,
    timeoutMs: o.timeoutMs ?? 10_000,
    progressIntervalMs: o.progressIntervalMs ?? 1000,
    now: o.now ?? (() => performance.now()),
    sleep: o.sleep ?? ((ms) => sleep(ms)),
  };
  check(Number.isFinite(r.rate) && r.rate >= 0, 'rate', 'a number >= 0');
  check(Number.isFinite(r.durationMs) && r.durationMs > 0, 'durationMs', 'a finite number > 0');
  check(Number.isInteger(r.maxRequests) && r.maxRequests > 0, 'maxRequests', 'an integer > 0');
  check(r.duplicates >= 0 && r.duplicates <= 1, 'duplicates', 'a probability in 0..1');
  check(r.duplicateDelayMs.min >= 0 && r.duplicateDelayMs.max >= r.duplicateDelayMs.min, 'duplicateDelayMs', '0 <= min <= max');
  check(Number.isInteger(r.batch) && r.batch >= 1 && r.batch <= 1000, 'batch', 'an integer in 1..1000');
  check(Number.isInteger(r.concurrency) && r.concurrency >= 1, 'concurrency', 'an integer >= 1');
  check(r.timeoutMs > 0, 'timeoutMs', '> 0');
  check(r.progressIntervalMs > 0, 'progressIntervalMs', '> 0');
  check(typeof r.secret === 'string', 'secret', 'a string');
  return r;
}
