import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { GraphClient, GraphErrorInfo } from './graph-client.ts';
import type { GraphRequest } from './graph-request.ts';
import type { Pacer, RateLimiter } from './rate-limiter.ts';
import { claimAttempt, claimLanded, type Completion, type SendEntry } from './send-ledger.ts';

/** Why a call waited: the business number's throughput limit, the recipient's pacing, or backoff after a refusal. */
export type WaitReason = 'throughput' | 'recipient' | 'backoff';

/** What an at-most-once send needs: its ledger, the Graph client, the one pair of limiters of the process, clocks. */
export interface SendOnceDeps<E extends SendEntry> {
  outbox: Collection<E>;
  graph: GraphClient;
  /** Per business number (Meta's throughput limit). */
  throughput: RateLimiter;
  /** Per recipient (`<phoneNumberId>:<customerId>`): messages to one person are spaced. */
  pacing: Pacer;
  retry: { initialMs: number; maxMs: number };
  owner: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  observer: { refused?(code: string): void; waited?(reason: WaitReason, seconds: number): void };
}

export const errorCodeOf = (e: GraphErrorInfo): string => String(e.code);

/** Doubling backoff, capped: attempt 0 waits `initialMs`. */
export const backoffMs = (retry: { initialMs: number; maxMs: number }, attempt: number): number =>
  Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(attempt, 16));

/** Retries a store operation once a call is claimed: giving up would leave the entry pending, or lose what happened. */
export async function untilStored<T, E extends SendEntry>(deps: SendOnceDeps<E>, what: string, id: string, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      deps.log.warn({ id, attempt, err }, `${what}: store write failed, retrying`);
      await deps.sleep(backoffMs(deps.retry, attempt));
    }
  }
}

/**
 * Claims call number `attempts + 1`, retrying store errors until the answer is certain: a claim write whose answer
 * was lost may have landed, and the token tells. Never throws, so nothing after a claim leaves an entry pending.
 */
export async function claim<E extends SendEntry>(deps: SendOnceDeps<E>, id: string, attempts: number, lastRefusal?: GraphErrorInfo): Promise<boolean> {
  const token = randomUUID();
  for (let i = 0; ; i++) {
    try {
      return await claimAttempt(deps.outbox, { id, attempts, owner: deps.owner, token, now: new Date(deps.now()), ...(lastRefusal ? { lastRefusal } : {}) });
    } catch (err) {
      deps.log.warn({ id, attempt: i, err }, 'claim: store write failed, checking and retrying');
      await deps.sleep(backoffMs(deps.retry, i));
      const landed = await claimLanded(deps.outbox, id, attempts, token).catch(() => 'open' as const);
      if (landed !== 'open') return landed === 'landed';
    }
  }
}

export interface ClaimedCall {
  /** The ledger entry, whose first call (attempts 0 → 1) the caller has claimed. */
  id: string;
  request: GraphRequest;
  accessToken: string;
  phoneNumberId: string;
  /** The pacing key, `<phoneNumberId>:<recipient>`. */
  recipientKey: string;
  /** Epoch ms after which a refused call is not tried again (failed, `retries_exhausted`). */
  deadline: number;
}

/**
 * Makes a claimed call: paced per recipient, limited per business number, classified by Meta's `error.code`.
 * Refusals (rate limits, a refused connection: nothing was sent) are retried with jittered exponential backoff
 * until the deadline, each retry claimed again; a timeout or a dropped connection is `unknown` and never retried.
 * Answers the completion to record, or `lost` when a retry's claim was taken (someone marked the entry meanwhile:
 * it is theirs to surface).
 */
export async function callClaimed<E extends SendEntry>(deps: SendOnceDeps<E>, c: ClaimedCall): Promise<Completion | 'lost'> {
  const random = deps.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    await deps.pacing.wait(c.recipientKey);
    await deps.throughput.acquire(c.phoneNumberId);
    deps.pacing.sent(c.recipientKey);
    const out = await deps.graph.post(c.request, c.accessToken);
    if (out.outcome === 'accepted') return { state: 'sent', wamid: out.wamid ?? '' };
    if (out.outcome === 'failed') return { state: 'failed', error: out.error };
    if (out.outcome === 'unknown') return { state: 'unknown', reason: out.reason, detail: out.detail };
    deps.observer.refused?.(errorCodeOf(out.error));
    const wait = backoffMs(deps.retry, attempt - 1) * (0.5 + random());
    if (deps.now() + wait > c.deadline) return { state: 'failed', error: { ...out.error, reason: 'retries_exhausted' } };
    deps.log.warn({ id: c.id, code: out.error.code, attempt, retryInMs: Math.round(wait) }, 'send refused by a rate limit; retrying');
    deps.observer.waited?.('backoff', wait / 1000);
    await deps.sleep(wait);
    if (!(await claim(deps, c.id, attempt, out.error))) return 'lost';
  }
}
