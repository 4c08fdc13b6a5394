import type { GraphRequest } from './graph-request.ts';

/** Meta's error, as answered (`error.code` is what decides), or a transport code such as ECONNREFUSED. */
export interface GraphErrorInfo {
  code: number | string;
  subcode?: number;
  message?: string;
  type?: string;
  fbtraceId?: string;
  httpStatus?: number;
}

export type GraphOutcome =
  /** Accepted (not delivered: delivery comes back as status webhooks). `wamid` is null for mark-as-read. */
  | { outcome: 'accepted'; wamid: string | null }
  /** Turned away before anything was sent (rate limits, connection refused): safe to retry after a pause. */
  | { outcome: 'refused'; error: GraphErrorInfo }
  /** A permanent error by Meta's code (131047 outside the window, 131026 undeliverable, 190 token…): never retried. */
  | { outcome: 'failed'; error: GraphErrorInfo }
  /** The request may have left and no usable answer came back: retrying could send twice (Meta has no idempotency key). */
  | { outcome: 'unknown'; reason: 'timeout' | 'connection_lost' | 'unreadable_answer'; detail: string };

/** Throughput (130429), pair rate (131056), account (80007) and app (4) limits: the request was refused, not sent. */
export const REFUSAL_CODES: ReadonlySet<number> = new Set([130429, 131056, 80007, 4]);

/** Connection errors that mean nothing reached the server. Anything else after the request started is `unknown`. */
export const NOT_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface GraphClient {
  /** One call with this token (the tenant's: never stored with the request). */
  post(req: GraphRequest, accessToken: string): Promise<GraphOutcome>;
}

export interface GraphClientOptions {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Transport codes of a failed fetch (its cause, and each of an AggregateError's): ECONNREFUSED, ENOTFOUND… */
export const causeCodes = (err: unknown): string[] => {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  if (cause === undefined) return [];
  const all = [cause, ...(cause.errors ?? [])].map((c) => c.code).filter((c): c is string => typeof c === 'string');
  return all;
};

/** Meta's error envelope (`{ error: { code, error_subcode, message, type, fbtrace_id } }`) of a parsed answer, or null. */
export function graphErrorOf(httpStatus: number, body: unknown): GraphErrorInfo | null {
  const e = (body as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown; type?: unknown; fbtrace_id?: unknown } } | null)?.error;
  if (e === undefined || typeof e.code !== 'number') return null;
  return {
    code: e.code,
    httpStatus,
    ...(typeof e.error_subcode === 'number' ? { subcode: e.error_subcode } : {}),
    ...(typeof e.message === 'string' ? { message: e.message } : {}),
    ...(typeof e.type === 'string' ? { type: e.type } : {}),
    ...(typeof e.fbtrace_id === 'string' ? { fbtraceId: e.fbtrace_id } : {}),
  };
}

/** Pure: classifies Meta's answer by `error.code`, never by the HTTP status. */
export function classifyAnswer(httpStatus: number, text: string, isSend: boolean): GraphOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return { outcome: 'unknown', reason: 'unreadable_answer', detail: `HTTP ${httpStatus}, not JSON: ${text.slice(0, 200)}` };
  }
  const b = (body ?? {}) as {
    messages?: { id?: unknown }[];
    success?: unknown;
  };
  const error = graphErrorOf(httpStatus, body);
  if (error !== null) return REFUSAL_CODES.has(error.code as number) ? { outcome: 'refused', error } : { outcome: 'failed', error };
  const wamid = b.messages?.[0]?.id;
  if (isSend && typeof wamid === 'string') return { outcome: 'accepted', wamid };
  if (!isSend && b.success === true) return { outcome: 'accepted', wamid: null };
  return {
    outcome: 'unknown',
    reason: 'unreadable_answer',
    detail: `HTTP ${httpStatus} without ${isSend ? 'messages[0].id' : 'success'} or error.code: ${text.slice(0, 200)}`,
  };
}

/** The Graph API over fetch, one request per call, no retries of its own (the caller decides by outcome). */
export function createGraphClient(o: GraphClientOptions): GraphClient {
  const doFetch = o.fetch ?? fetch;
  const base = o.baseUrl.replace(/\/+$/, '');
  return {
    async post(req, accessToken) {
      const isSend = req.body['status'] !== 'read';
      try {
        const res = await doFetch(`${base}${req.path}`, {
          method: req.method,
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(req.body),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        return classifyAnswer(res.status, await res.text(), isSend);
      } catch (err) {
        const codes = causeCodes(err);
        if (codes.length > 0 && codes.every((c) => NOT_SENT.has(c))) return { outcome: 'refused', error: { code: codes[0]! } };
        const name = (err as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') return { outcome: 'unknown', reason: 'timeout', detail: `no answer within ${o.timeoutMs} ms` };
        return { outcome: 'unknown', reason: 'connection_lost', detail: [(err as Error).message, ...codes].join(' ') };
      }
    },
  };
}
