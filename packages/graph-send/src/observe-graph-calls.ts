import { createGraphClient, type GraphClient, type GraphOutcome } from './graph-client.ts';
import { createPacer, createRateLimiter, perSecond, type Pacer, type RateLimiter } from './rate-limiter.ts';
import type { WaitReason } from './send-once.ts';

/** A Graph API call: a message, or marking one read (the body with `status: "read"`). */
export type GraphCall = 'send' | 'mark_read';

/** What a Graph sender reports of its calls and waits; every hook optional, the default does nothing. */
export interface GraphSendObserver {
  /** A call refused by a rate limit (or never connected), to be retried. */
  refused?(code: string): void;
  /** A wait before a Graph API call, in seconds, as decided (not measured). */
  waited?(reason: WaitReason, seconds: number): void;
  /**
   * Every Graph API call, by its outcome; `code` is Meta's `error.code` (or the transport's, e.g. ECONNREFUSED) for
   * refused and failed calls, the reason for unknown ones, empty for accepted ones.
   */
  called?(call: GraphCall, result: GraphOutcome['outcome'], code: string): void;
}

const codeOf = (out: GraphOutcome): string => {
  if (out.outcome === 'accepted') return '';
  if (out.outcome === 'unknown') return out.reason;
  return String(out.error.code);
};

/** The client, reporting every call's outcome. */
export function observeGraphCalls(graph: GraphClient, observer: GraphSendObserver): GraphClient {
  return {
    async post(req, accessToken) {
      const out = await graph.post(req, accessToken);
      observer.called?.(req.body['status'] === 'read' ? 'mark_read' : 'send', out.outcome, codeOf(out));
      return out;
    },
  };
}

/**
 * The two limiters of a sending process: per business number (Meta's throughput, `ratePerSecond` with `burst`) and
 * per recipient (`recipientIntervalMs` between two messages to one person). Each wait is reported: the number's as
 * how long the caller waited to be let through, the recipient's as decided, then slept.
 */
export function createSendLimiters(o: {
  ratePerSecond: number;
  burst: number;
  recipientIntervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  observer: GraphSendObserver;
}): { throughput: RateLimiter; pacing: Pacer } {
  const recipientWait = (ms: number) => {
    o.observer.waited?.('recipient', ms / 1000);
    return o.sleep(ms);
  };
  return {
    throughput: createRateLimiter({
      intervalMs: perSecond(o.ratePerSecond),
      burst: o.burst,
      now: o.now,
      sleep: o.sleep,
      waited: (ms) => o.observer.waited?.('throughput', ms / 1000),
    }),
    pacing: createPacer({ intervalMs: o.recipientIntervalMs, now: o.now, sleep: recipientWait }),
  };
}

/** The settings of a sending process (auto-reply's and the sender's configurations both have these fields). */
export interface SendSettings {
  graphBaseUrl: string;
  requestTimeoutMs: number;
  ratePerSecond: number;
  rateBurst: number;
  recipientIntervalMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

/** The Graph client (observed) and the limiters of a sending process, from its settings. */
export function createSendParts(
  s: SendSettings,
  o: { now: () => number; sleep: (ms: number) => Promise<void>; observer: GraphSendObserver; graph?: GraphClient },
): { graph: GraphClient; throughput: RateLimiter; pacing: Pacer; retry: { initialMs: number; maxMs: number } } {
  return {
    graph: observeGraphCalls(o.graph ?? createGraphClient({ baseUrl: s.graphBaseUrl, timeoutMs: s.requestTimeoutMs }), o.observer),
    ...createSendLimiters({
      ratePerSecond: s.ratePerSecond,
      burst: s.rateBurst,
      recipientIntervalMs: s.recipientIntervalMs,
      now: o.now,
      sleep: o.sleep,
      observer: o.observer,
    }),
    retry: { initialMs: s.retryInitialMs, maxMs: s.retryMaxMs },
  };
}
