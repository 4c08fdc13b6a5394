/** The retry budget of one media fetch (all from configuration). */
export interface FetchPolicy {
  /** Attempts (lookups and downloads) at most. */
  maxAttempts: number;
  /** First backoff after a transient failure, doubling up to `maxDelayMs`, jittered. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** How long a resolved URL is used (Meta's expire after about five minutes): past it, the media is looked up again. */
  urlTtlMs: number;
  /** Wall-clock budget of one fetch from its first attempt: never retried blindly for longer. */
  windowMs: number;
}

/**
 * Why an attempt failed:
 * - `transient`: 5xx, 429, Meta's temporary and rate-limit codes, network errors, a broken stream: retried;
 * - `expired_url`: the download URL answered 401/403/404/410: looked up again (a new URL), retried at once;
 * - `refused`: our token or permissions (401, code 190/10/200): nothing to retry until fixed; the media stays pending;
 * - `corrupt`: the bytes do not hash to the announced sha256: looked up again and retried, then unavailable;
 * - `permanent`: any other 4xx (Meta's "object does not exist", 100/33): unavailable at once.
 */
export type FailureKind = 'transient' | 'expired_url' | 'refused' | 'corrupt' | 'permanent';

export interface FetchFailure {
  kind: FailureKind;
  code: number | string;
  httpStatus: number | null;
  message: string | null;
}

export type NextStep =
  | { action: 'retry'; delayMs: number; resolve: boolean }
  | { action: 'unavailable' }
  /** Leave it pending (a re-drive fetches it later). */
  | { action: 'abandon' };

export interface AttemptState {
  /** Attempts made so far, this one included. */
  attempts: number;
  /** Epoch ms of the first attempt. */
  startedAt: number;
  /** Epoch ms the URL in hand was resolved, null when there is none. */
  resolvedAt: number | null;
}

/**
 * Pure: what to do after a failed attempt. `jitter` is in [0, 1): the backoff is between half and all of
 * `initialDelayMs * 2^(attempts-1)` (capped). A retry that would start after the URL's lifetime looks it up again; a
 * retry past the attempt budget or the window gives up: permanent failures and corrupt bytes make the media
 * unavailable, everything else leaves it pending.
 */
export function nextStep(p: FetchPolicy, s: AttemptState, f: FetchFailure, now: number, jitter: number): NextStep {
  if (f.kind === 'permanent') return { action: 'unavailable' };
  if (f.kind === 'refused') return { action: 'abandon' };
  const giveUp: NextStep = f.kind === 'corrupt' ? { action: 'unavailable' } : { action: 'abandon' };
  if (s.attempts >= p.maxAttempts) return giveUp;
  const backoff = Math.min(p.maxDelayMs, p.initialDelayMs * 2 ** (s.attempts - 1));
  const delayMs = f.kind === 'transient' ? Math.round(backoff * (0.5 + jitter / 2)) : 0;
  if (now + delayMs - s.startedAt > p.windowMs) return giveUp;
  const urlGone = s.resolvedAt === null || now + delayMs >= s.resolvedAt + p.urlTtlMs;
  return { action: 'retry', delayMs, resolve: urlGone || f.kind !== 'transient' };
}

/** Meta's codes for temporary trouble and rate limits (Graph API "Handling errors"): 1, 2 unknown/service; 4, 17, 32, 613, 80007, 130429 limits. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 4, 17, 32, 341, 613, 80007, 130429]);
/** Our token or its permissions: 190 invalid token, 10 and 200 permission. */
const REFUSED_CODES: ReadonlySet<number> = new Set([10, 190, 200]);

/** Pure: the kind of a Graph lookup's failure, by Meta's `error.code` when there is one, else by HTTP status. */
export function classifyLookup(httpStatus: number, metaCode: number | null): FailureKind {
  if (metaCode !== null && TRANSIENT_CODES.has(metaCode)) return 'transient';
  if (metaCode !== null && REFUSED_CODES.has(metaCode)) return 'refused';
  if (httpStatus >= 500 || httpStatus === 429 || httpStatus === 408) return 'transient';
  if (httpStatus === 401 || httpStatus === 403) return 'refused';
  return 'permanent';
}

/** Pure: the kind of a download's failure (the URL carries no Meta envelope: the status decides). */
export function classifyDownload(httpStatus: number): FailureKind {
  if (httpStatus >= 500 || httpStatus === 429 || httpStatus === 408) return 'transient';
  if (httpStatus === 401 || httpStatus === 403 || httpStatus === 404 || httpStatus === 410) return 'expired_url';
  return 'permanent';
}
