/**
 * A per-key rate limiter (GCRA, the token bucket written as "theoretical arrival time"): at most `burst` calls at
 * once, then one every `intervalMs`. Callers of a key are let through in call order, and only wait for their own key:
 * other keys are never held up.
 *
 * Each call is let through at the time it is actually let through, not at a slot reserved when it called: after a
 * stall (a long GC pause, a throttled CPU, a frozen process) the callers whose slots passed meanwhile go one interval
 * apart from then on, not all at once (a burst of reserved slots would have doubled the rate for as long as the stall
 * lasted).
 */
export interface RateLimiter {
  acquire(key: string): Promise<void>;
  /** Keys with a reservation still in the future or callers waiting (for tests and metrics). */
  size(): number;
}

export interface RateLimiterOptions {
  intervalMs: number;
  burst?: number;
  now: () => number;
  /** Resolves no earlier than `ms` from now (it may be later: a stall). */
  sleep: (ms: number) => Promise<void>;
  /** Told how long each caller that had to wait waited, from its call to being let through. */
  waited?: (ms: number) => void;
}

interface KeyState {
  /** The theoretical arrival time of the next call. */
  tat: number;
  /** Callers not let through yet, in call order; a pump (below) runs exactly while there are any. */
  waiting: { calledAt: number; go: () => void }[];
}

export function createRateLimiter(o: RateLimiterOptions): RateLimiter {
  const burst = Math.max(1, o.burst ?? 1);
  const tolerance = (burst - 1) * o.intervalMs;
  const keys = new Map<string, KeyState>();
  let acquisitions = 0;

  const sweep = (t: number) => {
    for (const [k, s] of keys) if (s.waiting.length === 0 && s.tat <= t) keys.delete(k);
  };
  /** Lets a call through at `t` if its key allows one then: the time to wait first otherwise. */
  const admit = (s: KeyState, t: number): number => {
    const wait = Math.max(s.tat, t) - tolerance - t;
    if (wait <= 0) s.tat = Math.max(s.tat, t) + o.intervalMs;
    return wait;
  };
  /**
   * Lets the key's callers through one by one. Time is the later of the clock and what the sleeps took at least, so
   * a clock that is held still (tests) still moves, and a sleep that overran (a stall) counts from when it ended.
   */
  async function pump(s: KeyState): Promise<void> {
    let t = o.now();
    while (s.waiting.length > 0) {
      t = Math.max(t, o.now());
      const wait = admit(s, t);
      if (wait > 0) {
        await o.sleep(wait);
        t += wait;
        continue;
      }
      const caller = s.waiting.shift()!;
      if (t > caller.calledAt) o.waited?.(t - caller.calledAt);
      caller.go();
    }
  }

  return {
    acquire(key) {
      if (o.intervalMs <= 0) return Promise.resolve();
      const t = o.now();
      if (++acquisitions % 1024 === 0) sweep(t);
      let s = keys.get(key);
      if (s === undefined) keys.set(key, (s = { tat: t, waiting: [] }));
      if (s.waiting.length === 0 && admit(s, t) <= 0) return Promise.resolve();
      const state = s;
      return new Promise<void>((go) => {
        // The first to wait starts the pump; it ends, synchronously, when it lets the last one through.
        if (state.waiting.push({ calledAt: t, go }) === 1) void pump(state);
      });
    },
    size: () => {
      sweep(o.now());
      return keys.size;
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
