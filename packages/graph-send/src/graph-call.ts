import { causeCodes, graphErrorOf, NOT_SENT, type GraphClientOptions, type GraphErrorInfo } from './graph-client.ts';

/** A management call (reads, and writes that are safe to repeat): not a send, so no ledger and no at-most-once. */
export interface GraphManagementCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/<version>/<node>/<edge>`, ids already encoded. */
  path: string;
  query?: Readonly<Record<string, string>>;
  body?: Readonly<Record<string, unknown>>;
}

export type GraphReply =
  /** A 2xx answer without Meta's error envelope, parsed. */
  | { ok: true; httpStatus: number; body: unknown }
  /**
   * Meta's error (`error.code` decides: 190 an invalid or expired token…), or a transport failure whose code is the
   * socket's (ECONNREFUSED, ENOTFOUND…), `timeout`, `connection_lost` or `unreadable_answer`.
   */
  | { ok: false; error: GraphErrorInfo };

/** One Graph API call with this token, answered as Meta's JSON or Meta's error; never retried here. */
export async function callGraph(o: GraphClientOptions, call: GraphManagementCall, accessToken: string): Promise<GraphReply> {
  const doFetch = o.fetch ?? fetch;
  const query = call.query === undefined ? '' : `?${new URLSearchParams(call.query as Record<string, string>).toString()}`;
  let res: Response;
  let text: string;
  try {
    res = await doFetch(`${o.baseUrl.replace(/\/+$/, '')}${call.path}${query}`, {
      method: call.method,
      headers: { authorization: `Bearer ${accessToken}`, ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const codes = causeCodes(err);
    if (codes.length > 0 && codes.every((c) => NOT_SENT.has(c))) return { ok: false, error: { code: codes[0]!, message: (err as Error).message } };
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, error: { code: 'timeout', message: `no answer within ${o.timeoutMs} ms` } };
    return { ok: false, error: { code: 'connection_lost', message: [(err as Error).message, ...codes].join(' ') } };
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, error: { code: 'unreadable_answer', httpStatus: res.status, message: `HTTP ${res.status}, not JSON: ${text.slice(0, 200)}` } };
  }
  const error = graphErrorOf(res.status, body);
  if (error !== null) return { ok: false, error };
  if (!res.ok) return { ok: false, error: { code: 'unreadable_answer', httpStatus: res.status, message: `HTTP ${res.status} without error.code` } };
  return { ok: true, httpStatus: res.status, body };
}
