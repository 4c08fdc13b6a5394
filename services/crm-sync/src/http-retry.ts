/** How an HTTP answer is handled: done, refused for good, or worth another attempt. */
export type StatusClass = 'ok' | 'permanent' | 'retry';

// 4xx that say "not now" or "not like this server-wide" rather than "never this contact": a wrong token or URL must
// pause the stream until it is fixed, not send every contact to the DLQ.
const RETRYABLE_4XX = new Set([401, 403, 404, 405, 407, 408, 409, 423, 425, 429]);

export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) return 'permanent';
  return 'retry';
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with jitter: base·2^attempt capped at max, then a random 50–100 % of it. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** `Retry-After` (RFC 9110 §10.2.3) in ms from now: delay-seconds or an HTTP-date; null when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Whether a failed request may have reached the CRM and been applied: only a refused connection (nothing was
 * sent) is certainly not. Resets and timeouts after the request left are in doubt.
 */
export function mayHaveArrived(err: unknown): boolean {
  const codes: unknown[] = [];
  for (let e: unknown = err; typeof e === 'object' && e !== null && codes.length < 5; e = (e as { cause?: unknown }).cause)
    codes.push((e as { code?: unknown }).code);
  return !codes.some((c) => c === 'ECONNREFUSED' || c === 'ENOTFOUND' || c === 'EAI_AGAIN');
}
