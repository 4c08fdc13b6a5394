/**
 * A per-key rate limiter (GCRA, the token bucket written as "theoretical arrival time"): at most `burst` calls at
 * once, then one every `intervalMs`. `acquire` reserves the caller's slot synchronously, so concurrent callers are
 * served in call order, and only waits for its own key: other keys are never held up.
 */
export interface RateLimiter {
  acquire(key: string): Promise<void>;
  /** Keys with a reservation still in the future (for tests and metrics). */
  size(): number;
}

export interface RateLimiterOptions {
  intervalMs: number;
  burst?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export function createRateLimiter(o: RateLimiterOptions): RateLimiter {
  const burst = Math.max(1, o.burst ?? 1);
  const tolerance = (burst - 1) * o.intervalMs;
  const tat = new Map<string, number>();
  let acquisitions = 0;

  const sweep = (t: number) => {
    for (const [k, v] of tat) if (v <= t) tat.delete(k);
  };

  return {
    async acquire(key) {
      if (o.intervalMs <= 0) return;
      const t = o.now();
      if (++acquisitions % 1024 === 0) sweep(t);
      const arrival = Math.max(tat.get(key) ?? t, t);
      tat.set(key, arrival + o.intervalMs);
      const wait = arrival - tolerance - t;
      if (wait > 0) await o.sleep(wait);
    },
    size: () => {
      sweep(o.now());
      return tat.size;
    },
  };
}

/** Meta's default throughput is 80 messages per second per business number. */
export const perSecond = (rate: number): number => (rate > 0 ? 1000 / rate : 0);

/**
 * Minimum time between two sends to one recipient, measured from when each send actually went out: a wait elsewhere
 * (the number's rate limit) between `wait` and `sent` does not eat into the next interval. One caller per key at a
 * time (a conversation's records are handled in order).
 */
export interface Pacer {
  wait(key: string): Promise<void>;
  sent(key: string): void;
}

export function createPacer(o: { intervalMs: number; now: () => number; sleep: (ms: number) => Promise<void> }): Pacer {
  const last = new Map<string, number>();
  let sends = 0;
  return {
    async wait(key) {
      const at = last.get(key);
      if (at === undefined || o.intervalMs <= 0) return;
      const wait = at + o.intervalMs - o.now();
      if (wait > 0) await o.sleep(wait);
    },
    sent(key) {
      const t = o.now();
      last.set(key, t);
      if (++sends % 1024 === 0) for (const [k, v] of last) if (v + o.intervalMs <= t) last.delete(k);
    },
  };
}
