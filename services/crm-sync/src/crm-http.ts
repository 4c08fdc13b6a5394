import { createHmac } from 'node:crypto';
import type { CrmObserver, CrmRequestResult, CrmWaitReason } from './crm-observer.ts';
import { CrmSyncError } from './errors.ts';
import { backoffDelay, classifyStatus, mayHaveArrived, parseRetryAfter, type BackoffOptions, type StatusClass } from './http-retry.ts';

/** `sha256=<hex HMAC-SHA256(secret, body)>`: the value of `X-Wabus-Signature` over the exact body bytes. */
export const signCrmBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface CrmHttpOptions {
  baseUrl: string;
  /** Header name and full value, e.g. `Authorization` / `Bearer <token>`; never logged. */
  auth?: { header: string; value: string } | null;
  signingSecret?: string | null;
  timeoutMs: number;
  backoff?: BackoffOptions;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Retries are reported here (status or error, attempt, delay); bodies and credentials never are. */
  onRetry?: (info: { method: string; path: string; attempt: number; status: number | null; error: string | null; retryInMs: number }) => void;
  /** Every attempt's result and every wait (metrics). */
  observer?: CrmObserver;
}

export interface CrmOperation {
  method: 'PUT' | 'POST' | 'DELETE';
  path: string;
  body: string;
  idempotencyKey: string;
  /**
   * Statuses that are this operation's final answer although they are retried elsewhere: a DELETE's 404 or 410 is
   * "already gone" (a repeated delete, after an earlier one landed and its answer was lost), not a wrong URL.
   */
  final?: readonly number[];
}

/** A final answer: a success or a permanent refusal (anything retryable is retried or thrown). */
export interface CrmAnswer {
  status: number;
  text: string;
  /** An earlier attempt timed out or was cut after it was sent: the CRM may still be processing it. */
  inDoubt: boolean;
}

/**
 * Sends one operation, retrying the SAME bytes with the SAME idempotency key on 5xx, 429 and retryable 4xx
 * (exponential backoff with jitter, or `Retry-After` when given), and on network errors and timeouts. A
 * `Retry-After` holds back every later request of this client, not just this operation's. No attempt starts
 * after `deadline`: then it throws WABUS_CRM_UNAVAILABLE, `inDoubt` if any attempt may have been applied.
 */
export function createCrmHttp(o: CrmHttpOptions) {
  const doFetch = o.fetch ?? fetch;
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const backoff = o.backoff ?? { baseMs: 200, maxMs: 5_000 };
  const base = o.baseUrl.replace(/\/+$/, '');
  let notBefore = 0;
  let heldUntil = 0;

  function headersOf(op: CrmOperation): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': op.idempotencyKey };
    if (o.auth) h[o.auth.header.toLowerCase()] = o.auth.value;
    if (o.signingSecret) h['x-wabus-signature'] = signCrmBody(o.signingSecret, op.body);
    return h;
  }

  return {
    async send(op: CrmOperation, deadline: number): Promise<CrmAnswer> {
      const kind = op.method === 'POST' ? 'batch' : op.method === 'DELETE' ? 'remove' : 'upsert';
      let inDoubt = false;
      let last = '';
      // What the previous answer of this operation asked for; the CRM's Retry-After may ask every request for more.
      let pause: Wait | null = null;
      for (let attempt = 0; ; attempt++) {
        // Also the first attempt: the caller's lease covers the budget plus one request, never more.
        if (now() > deadline) throw unavailable(`${last || `${op.method} ${op.path}: not sent`}; retry budget spent`, inDoubt);
        // A Retry-After instant a wait of this client already reached is not waited for again (timers and the clock
        // can disagree by a millisecond).
        const hold = notBefore > heldUntil ? notBefore - now() : 0;
        const wait: Wait | null = hold > (pause?.ms ?? 0) ? { ms: hold, reason: 'retry_after' } : pause;
        pause = null;
        if (wait !== null && wait.ms > 0) {
          if (now() + wait.ms > deadline) {
            const why =
              wait.reason === 'retry_after'
                ? `the CRM asked to wait ${wait.ms} ms (Retry-After), past the retry budget`
                : `gave up after ${attempt} attempt(s) (retry budget)`;
            throw unavailable(`${last}; ${why}`, inDoubt);
          }
          o.observer?.waited?.(wait.reason, wait.ms / 1000);
          const from = now();
          await sleep(wait.ms);
          heldUntil = Math.max(heldUntil, from + wait.ms);
        }
        let status: number | null = null;
        let delay: number;
        let reason: CrmWaitReason = 'backoff';
        try {
          const res = await doFetch(`${base}${op.path}`, {
            method: op.method,
            headers: headersOf(op),
            body: op.body,
            signal: AbortSignal.timeout(o.timeoutMs),
          });
          const text = await res.text();
          status = res.status;
          const cls = op.final?.includes(res.status) === true ? 'ok' : classifyStatus(res.status);
          o.observer?.requested?.(kind, RESULT[cls], String(res.status));
          if (cls !== 'retry') return { status: res.status, text, inDoubt };
          last = `${op.method} ${op.path}: HTTP ${res.status}`;
          const retryAfter = parseRetryAfter(res.headers.get('retry-after'), now());
          if (retryAfter !== null) {
            notBefore = Math.max(notBefore, now() + retryAfter);
            reason = 'retry_after';
          }
          delay = retryAfter ?? backoffDelay(attempt, backoff, o.random);
        } catch (err) {
          // A failure reading the answer also lands here: the request reached the CRM, so it is in doubt.
          o.observer?.requested?.(kind, 'error', causeOf(err));
          inDoubt ||= mayHaveArrived(err);
          const cause = (err as { cause?: { code?: string; message?: string } }).cause;
          last = `${op.method} ${op.path}: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
          delay = backoffDelay(attempt, backoff, o.random);
        }
        if (now() + delay > deadline) throw unavailable(`${last}; gave up after ${attempt + 1} attempt(s) (retry budget)`, inDoubt);
        o.onRetry?.({ method: op.method, path: op.path, attempt, status, error: status === null ? last : null, retryInMs: delay });
        pause = { ms: delay, reason };
      }
    },
  };
}

export type CrmHttp = ReturnType<typeof createCrmHttp>;

interface Wait {
  ms: number;
  reason: CrmWaitReason;
}

const RESULT: Record<StatusClass, CrmRequestResult> = { ok: 'ok', permanent: 'rejected', retry: 'retryable' };

/** What a request without an answer met: `timeout`, else the innermost error code (ECONNREFUSED, ECONNRESET…). */
function causeOf(err: unknown): string {
  const name = (err as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  let code = 'unknown';
  for (let e: unknown = err, i = 0; typeof e === 'object' && e !== null && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') code = c;
  }
  return code;
}

const unavailable = (message: string, inDoubt: boolean) => new CrmSyncError('WABUS_CRM_UNAVAILABLE', { message: `CRM unavailable: ${message}`, inDoubt });
