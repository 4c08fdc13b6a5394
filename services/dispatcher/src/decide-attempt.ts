/**
 * How one attempt ended, as the transport saw it:
 * - `answered`: an HTTP status (e-mail: the SMTP reply mapped by its adapter),
 * - `not_sent`: the request never left (connection refused, no such host): safe to try again,
 * - `in_doubt`: it left and no answer came (timeout, connection cut): the endpoint may have it.
 */
export type AttemptResult =
  { type: 'answered'; status: number; retryAfterMs?: number } | { type: 'not_sent'; code: string } | { type: 'in_doubt'; code: string };

export interface RetryPolicy {
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

/** What becomes of the delivery after an attempt (`attempts` counts this one). */
export type Settlement =
  | { status: 'delivered' }
  | { status: 'pending'; retryInMs: number; reason: string }
  | { status: 'dead'; reason: string }
  /** Set by an operator's tools only (a delivery they chose not to send again); attempts never end here. */
  | { status: 'unknown'; reason: string };

/** 5xx, 429 and 408 mean "not now"; another 4xx will not change by retrying. */
export const retryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

/** Exponential backoff with full jitter (`random` in [0, 1)), or the endpoint's Retry-After when it gave one. */
export function backoffMs(attempts: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxMs);
  const cap = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(cap / 2 + (cap / 2) * random);
}

/** Pure: the delivery's next state after an attempt. */
export function settle(result: AttemptResult, attempts: number, policy: RetryPolicy, random: number): Settlement {
  switch (result.type) {
    case 'answered': {
      if (result.status >= 200 && result.status < 300) return { status: 'delivered' };
      const reason = `HTTP ${result.status}`;
      if (!retryableStatus(result.status)) return { status: 'dead', reason: `${reason}: refused` };
      if (attempts >= policy.maxAttempts) return { status: 'dead', reason: `${reason} after ${attempts} attempts` };
      return { status: 'pending', retryInMs: backoffMs(attempts, policy, random, result.retryAfterMs), reason };
    }
    case 'not_sent':
      if (attempts >= policy.maxAttempts) return { status: 'dead', reason: `${result.code} after ${attempts} attempts` };
      return { status: 'pending', retryInMs: backoffMs(attempts, policy, random), reason: result.code };
    // The endpoint may have it: sent again, with the same delivery id and body, which receivers deduplicate by
    // (X-Wabus-Delivery-Id): at least once, never lost to a timeout or a dead process.
    case 'in_doubt':
      if (attempts >= policy.maxAttempts) return { status: 'dead', reason: `${result.code} (in doubt) after ${attempts} attempts` };
      return { status: 'pending', retryInMs: backoffMs(attempts, policy, random), reason: `${result.code} (in doubt)` };
    default: {
      const never: never = result;
      return never;
    }
  }
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or bad. */
export function retryAfterOf(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface BreakerPolicy {
  /** Consecutive failed attempts that open the breaker. */
  failures: number;
  /** How long the first pause lasts; each failed probe doubles it, up to `maxPauseMs`. */
  pauseMs: number;
  maxPauseMs: number;
}

/** An endpoint's circuit breaker: `closed` (sending), `open` (paused until `until`), `half_open` (one probe at a time). */
export interface Breaker {
  state: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
  until: number;
  pauseMs: number;
}

export const closedBreaker = (policy: BreakerPolicy): Breaker => ({ state: 'closed', consecutiveFailures: 0, until: 0, pauseMs: policy.pauseMs });

/** An attempt that speaks against the endpoint (not a refusal of one delivery, which says nothing of its health). */
export const isFailure = (r: AttemptResult) => r.type !== 'answered' || retryableStatus(r.status);

/** Pure: the breaker after an attempt ended at `now`. */
export function breakerAfter(b: Breaker, result: AttemptResult, now: number, policy: BreakerPolicy): Breaker {
  if (!isFailure(result)) return closedBreaker(policy);
  if (b.state === 'half_open') {
    const pauseMs = Math.min(b.pauseMs * 2, policy.maxPauseMs);
    return { state: 'open', consecutiveFailures: b.consecutiveFailures + 1, until: now + pauseMs, pauseMs };
  }
  const consecutiveFailures = b.consecutiveFailures + 1;
  if (b.state === 'closed' && consecutiveFailures >= policy.failures) return { state: 'open', consecutiveFailures, until: now + b.pauseMs, pauseMs: b.pauseMs };
  return { ...b, consecutiveFailures };
}

/** Pure: an open breaker whose pause is over lets one probe through. */
export function breakerAt(b: Breaker, now: number): Breaker {
  return b.state === 'open' && now >= b.until ? { ...b, state: 'half_open' } : b;
}
