import { createHmac } from 'node:crypto';
import { CrmSyncError } from './errors.ts';
import { backoffDelay, classifyStatus, mayHaveArrived, parseRetryAfter, type BackoffOptions } from './http-retry.ts';

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
}

export interface CrmOperation {
  method: 'PUT' | 'POST';
  path: string;
  body: string;
  idempotencyKey: string;
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

  function headersOf(op: CrmOperation): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': op.idempotencyKey };
    if (o.auth) h[o.auth.header.toLowerCase()] = o.auth.value;
    if (o.signingSecret) h['x-wabus-signature'] = signCrmBody(o.signingSecret, op.body);
    return h;
  }

  return {
    async send(op: CrmOperation, deadline: number): Promise<CrmAnswer> {
      let inDoubt = false;
      let last = '';
      for (let attempt = 0; ; attempt++) {
        // Also the first attempt: the caller's lease covers the budget plus one request, never more.
        if (now() > deadline) throw unavailable(`${last || `${op.method} ${op.path}: not sent`}; retry budget spent`, inDoubt);
        const hold = notBefore - now();
        if (hold > 0) {
          if (now() + hold > deadline) throw unavailable(`${last}; the CRM asked to wait ${hold} ms (Retry-After), past the retry budget`, inDoubt);
          await sleep(hold);
        }
        let status: number | null = null;
        let delay: number;
        try {
          const res = await doFetch(`${base}${op.path}`, { method: op.method, headers: headersOf(op), body: op.body, signal: AbortSignal.timeout(o.timeoutMs) });
          const text = await res.text();
          status = res.status;
          if (classifyStatus(res.status) !== 'retry') return { status: res.status, text, inDoubt };
          last = `${op.method} ${op.path}: HTTP ${res.status}`;
          const retryAfter = parseRetryAfter(res.headers.get('retry-after'), now());
          if (retryAfter !== null) notBefore = Math.max(notBefore, now() + retryAfter);
          delay = retryAfter ?? backoffDelay(attempt, backoff, o.random);
        } catch (err) {
          // A failure reading the answer also lands here: the request reached the CRM, so it is in doubt.
          inDoubt ||= mayHaveArrived(err);
          const cause = (err as { cause?: { code?: string; message?: string } }).cause;
          last = `${op.method} ${op.path}: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
          delay = backoffDelay(attempt, backoff, o.random);
        }
        if (now() + delay > deadline) throw unavailable(`${last}; gave up after ${attempt + 1} attempt(s) (retry budget)`, inDoubt);
        o.onRetry?.({ method: op.method, path: op.path, attempt, status, error: status === null ? last : null, retryInMs: delay });
        await sleep(delay);
      }
    },
  };
}

export type CrmHttp = ReturnType<typeof createCrmHttp>;

const unavailable = (message: string, inDoubt: boolean) => new CrmSyncError('WABUS_CRM_UNAVAILABLE', { message: `CRM unavailable: ${message}`, inDoubt });
