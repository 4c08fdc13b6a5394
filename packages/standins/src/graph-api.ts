import { randomBytes } from 'node:crypto';
import { isBusinessScopedId } from '@wabus/events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStatusCallbacks, type StandInStatus, type StatusCallbackOptions, type StatusCallbacks } from './graph-api-callbacks.ts';
import { describeGraphRequest } from './graph-api-describe.ts';
import { graphError } from './graph-api-errors.ts';
import { controlMeta, createStandInMeta, type StandInMeta, type StandInMetaOptions } from './graph-api-meta.ts';
import { answerDownload, answerLookup, createMediaLibrary, MEDIA_DOWNLOAD_PATH, MEDIA_LOOKUP_PATH, type MediaLibrary } from './graph-api-media.ts';

export { graphError } from './graph-api-errors.ts';
export type { GraphErrorBody } from './graph-api-errors.ts';
export { describeGraphRequest } from './graph-api-describe.ts';
export type { StandInStatus, StatusCallback, StatusCallbackOptions, StatusCallbacks } from './graph-api-callbacks.ts';
export { mediaBytes } from './graph-api-media.ts';
export type { MediaLibrary, StandInMedia, StandInMediaSpec } from './graph-api-media.ts';
export type { AppSubscription, StandInMeta, StandInMetaOptions, StandInPhoneNumber } from './graph-api-meta.ts';

/** How the stand-in answers one request. `delayMs` waits before answering (after reading the body). */
export type GraphBehavior =
  /** Accepted; with status callbacks configured, then reports `statuses` (default sent, delivered, read). */
  | { kind: 'ok'; delayMs?: number; statuses?: readonly StandInStatus[] }
  /** Meta's error envelope with this `error.code`; `status` defaults to what Meta uses for the code (400, 401 for 190). */
  | { kind: 'error'; code: number; status?: number; subcode?: number; message?: string; type?: string; delayMs?: number }
  /**
   * Destroys the socket without answering: before reading the body, after it (the request may have "left"), or after
   * accepting the send (it did leave: its statuses are reported, the caller never learns its wamid).
   */
  | { kind: 'drop'; when: 'before-body' | 'after-body' | 'after-accept'; delayMs?: number; statuses?: readonly StandInStatus[] }
  /** Reads the body and never answers (the client's timeout decides). */
  | { kind: 'hang' };

/** What is known of a request before its body is read: what scripted steps can match on. */
export interface GraphRequestHead {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** `:phoneNumberId` of `/:version/:phoneNumberId/messages`; for media, `?phone_number_id=` or the media's number; else null. */
  phoneNumberId: string | null;
  /** A media lookup (`GET /:version/:mediaId`) or a download of the URL it gave; null for anything else. */
  media: 'lookup' | 'download' | null;
  mediaId: string | null;
}

/** One request as received, with what the stand-in did about it. */
export interface GraphRequest extends GraphRequestHead {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  /** The JSON body; undefined when it was never read (dropped before the body) or was not JSON. */
  body: unknown;
  /** Epoch milliseconds (fractional) when the request head arrived. */
  receivedAt: number;
  behavior: GraphBehavior['kind'] | 'unauthorized' | 'invalid';
  /** HTTP status answered; null when dropped or hung. */
  status: number | null;
  /** The wamid answered for an accepted send. */
  wamid: string | null;
}

/** A scripted step: used once, by the first request (in arrival order) it matches (any request without `match`). */
export type GraphStep = GraphBehavior & { match?: (head: GraphRequestHead) => boolean };

export interface GraphApiStandInOptions {
  /** 0 (default) picks a free port; `pnpm dev` uses a fixed one, e.g. 8090. */
  port?: number;
  host?: string;
  /** The token expected in `Authorization: Bearer …`; anything else answers 401 with code 190. */
  accessToken?: string;
  /**
   * Tokens per business number (phone_number_id), as Meta scopes a system user's token to the WABAs it was granted:
   * a call for a number listed here needs that number's token (another tenant's token answers 401, code 190);
   * numbers not listed take `accessToken`.
   */
  accessTokens?: Record<string, string>;
  /** How long the media URLs it gives stay valid (default 5 minutes, as Meta's). */
  mediaUrlTtlMs?: number;
  /** Like Meta, report each accepted send's statuses to a webhook (ingress), signed with the app secret. */
  statusCallbacks?: StatusCallbackOptions;
  /** Called once per request, after it is answered (or dropped): a log line in `pnpm dev`. */
  onRequest?: (req: GraphRequest) => void;
  /**
   * The management endpoints (`/{app-id}/subscriptions`, `/{waba-id}/subscribed_apps`, `/{waba-id}/phone_numbers`,
   * `/{phone-number-id}`) with their state: apps, WABAs and numbers (docs/meta.md). WABA calls take `accessToken`, any
   * of `accessTokens` or a token of `tokenApps`; app calls take `<app id>|<app secret>`.
   */
  meta?: StandInMetaOptions;
}

export interface GraphApiStandIn {
  /** Base URL, e.g. `http://127.0.0.1:41234` (what WHATSAPP_GRAPH_BASE_URL points at). */
  url: string;
  port: number;
  accessToken: string;
  /** Every request received, in arrival order (a live array). */
  requests: GraphRequest[];
  /** The media it serves (`GET /:version/:mediaId` answers a URL that expires; the URL streams the bytes). */
  media: MediaLibrary;
  /** The status webhooks posted (with `statusCallbacks`); null without. */
  callbacks: StatusCallbacks | null;
  /** The management state (app subscriptions, WABAs' subscribed apps and overrides, numbers) and how to change it. */
  meta: StandInMeta;
  /** Queues steps; unscripted requests get the default behavior. */
  script(...steps: GraphStep[]): void;
  /** The behavior of unscripted requests (initially `{ kind: 'ok' }`); a function decides per request. */
  setDefault(behavior: GraphBehavior | ((head: GraphRequestHead) => GraphBehavior)): void;
  /** Resolves once at least `n` requests (matching `filter`, if given) have been received. */
  waitForRequests(n: number, filter?: (req: GraphRequest) => boolean): Promise<GraphRequest[]>;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/(v\d+\.\d+)\/([^/]+)\/messages\/?$/;
export const DEV_GRAPH_ACCESS_TOKEN = 'wabus-dev-access-token';

const headerMap = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newWamid = () => `wamid.HBgL${randomBytes(24).toString('base64')}`;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Why a body is refused (code 100), or null. A send names its user exactly once: a phone number in `to`, or a
 * business-scoped user id (BSUID) in `recipient` (a user who has only a BSUID cannot be reached through `to`).
 */
function invalidBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return '(#100) Invalid parameter';
  const b = body as Record<string, unknown>;
  if (b['messaging_product'] !== 'whatsapp') return '(#100) Invalid parameter: messaging_product';
  if (b['status'] === 'read') return typeof b['message_id'] === 'string' ? null : '(#100) Invalid parameter: message_id';
  const to = b['to'];
  const recipient = b['recipient'];
  if (to !== undefined && recipient !== undefined) return '(#100) Invalid parameter: give to or recipient, not both';
  if (typeof to === 'string')
    return isBusinessScopedId(to) ? '(#100) Invalid parameter: to takes a phone number; a business-scoped user id goes in recipient' : null;
  if (typeof recipient === 'string') return isBusinessScopedId(recipient) ? null : '(#100) Invalid parameter: recipient takes a business-scoped user id';
  return '(#100) The parameter to or recipient is required.';
}

/** Meta's answer to an accepted request: a send gets `contacts` and a new wamid, mark-as-read gets `success`. */
function accepted(body: Record<string, unknown>): { payload: unknown; wamid: string | null } {
  if (body['status'] === 'read') return { payload: { success: true }, wamid: null };
  const wamid = newWamid();
  const contact =
    typeof body['recipient'] === 'string' ? { input: body['recipient'], user_id: body['recipient'] } : { input: String(body['to']), wa_id: String(body['to']) };
  return { payload: { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: wamid }] }, wamid };
}

/**
 * A local stand-in for Meta's Graph API `POST /:version/:phoneNumberId/messages` (WHATSAPP.md, "Sending"): records
 * every request and answers like Meta, or as scripted (slowly, with Meta's error envelope, by dropping the
 * connection, or never).
 */
export async function startGraphApiStandIn(opts: GraphApiStandInOptions = {}): Promise<GraphApiStandIn> {
  const accessToken = opts.accessToken ?? DEV_GRAPH_ACCESS_TOKEN;
  const requests: GraphRequest[] = [];
  const steps: GraphStep[] = [];
  let fallback: GraphBehavior | ((head: GraphRequestHead) => GraphBehavior) = { kind: 'ok' };
  const waiters = new Set<() => void>();
  const media = createMediaLibrary(opts.mediaUrlTtlMs ?? 5 * 60_000);
  let baseUrl = '';
  const callbacks = opts.statusCallbacks ? createStatusCallbacks(opts.statusCallbacks) : null;
  const userTokens = new Set([accessToken, ...Object.values(opts.accessTokens ?? {})]);
  const meta = createStandInMeta(opts.meta ?? {}, () => userTokens);

  const choose = (head: GraphRequestHead): GraphBehavior => {
    const i = steps.findIndex((s) => s.match === undefined || s.match(head));
    if (i >= 0) return steps.splice(i, 1)[0]!;
    return typeof fallback === 'function' ? fallback(head) : fallback;
  };

  const record = (r: GraphRequest) => {
    requests.push(r);
    for (const w of [...waiters]) w();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.timeOrigin + performance.now();
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    const query = new URLSearchParams(search);
    if (path.startsWith('/_standin/meta/') && req.method === 'POST') {
      const a = controlMeta(meta.state, path.slice('/_standin/meta/'.length), ((await readJson(req)) ?? {}) as Record<string, unknown>);
      return send(res, a.status, a.body);
    }
    const metaRoute = meta.route(req.method ?? 'GET', path);
    const m = metaRoute === null ? MESSAGES_PATH.exec(path) : null;
    const download = req.method === 'GET' && metaRoute === null ? MEDIA_DOWNLOAD_PATH.exec(path) : null;
    const lookup = req.method === 'GET' && download === null && metaRoute === null ? MEDIA_LOOKUP_PATH.exec(path) : null;
    const mediaId = download?.[1] ?? lookup?.[1];
    const held = mediaId === undefined ? undefined : media.get(decodeURIComponent(mediaId));
    const head: GraphRequestHead = {
      method: req.method ?? 'GET',
      path,
      headers: headerMap(req),
      phoneNumberId: m?.[2] ?? (lookup ? query.get('phone_number_id') : null) ?? held?.phoneNumberId ?? null,
      media: download ? 'download' : lookup ? 'lookup' : null,
      mediaId: mediaId === undefined ? null : decodeURIComponent(mediaId),
    };
    const entry: GraphRequest = { ...head, seq: requests.length + 1, body: undefined, receivedAt, behavior: 'ok', status: null, wamid: null };
    const done = (over: Partial<GraphRequest>) => {
      Object.assign(entry, over);
      opts.onRequest?.(entry);
    };

    const expected = (head.phoneNumberId === null ? undefined : opts.accessTokens?.[head.phoneNumberId]) ?? accessToken;
    const auth = head.headers['authorization'];
    const refused =
      metaRoute !== null
        ? meta.refusal(metaRoute, auth)
        : auth !== `Bearer ${expected}`
          ? graphError(190)
          : meta.state.isExpired(expected)
            ? graphError(190, { subcode: 463, message: 'Error validating access token: Session has expired.' })
            : null;
    if (refused !== null) {
      entry.body = await readJson(req);
      record(entry);
      send(res, refused.status, refused.body);
      return done({ behavior: 'unauthorized', status: refused.status });
    }
    const behavior = choose(head);
    if (behavior.kind === 'drop' && behavior.when === 'before-body') {
      entry.behavior = 'drop';
      record(entry);
      req.socket.destroy();
      return done({});
    }
    entry.body = await readJson(req);
    record(entry);
    if (behavior.kind === 'hang') return done({ behavior: 'hang' });
    if (behavior.delayMs) await sleep(behavior.delayMs);
    if (behavior.kind === 'drop' && behavior.when === 'after-body') {
      req.socket.destroy();
      return done({ behavior: 'drop' });
    }
    if (behavior.kind === 'error') {
      const e = graphError(behavior.code, behavior);
      send(res, e.status, e.body);
      return done({ behavior: 'error', status: e.status });
    }
    if (metaRoute !== null) {
      const a = await meta.answer(metaRoute, head.method, entry.body, query, auth?.slice('Bearer '.length) ?? '');
      send(res, a.status, a.body);
      return done({ behavior: a.status === 200 ? 'ok' : 'invalid', status: a.status });
    }
    if (head.media !== null) {
      if (held === undefined) {
        // Meta: "Unsupported get request. Object with ID ... does not exist" (code 100, subcode 33); 404 here.
        const e = graphError(100, { status: 404, subcode: 33, message: `Unsupported get request. Object with ID '${head.mediaId}' does not exist` });
        send(res, e.status, e.body);
        return done({ behavior: 'invalid', status: e.status });
      }
      if (head.media === 'lookup') {
        answerLookup(res, held, baseUrl, media.urlTtlMs);
        return done({ behavior: 'ok', status: 200 });
      }
      return done({ behavior: 'ok', status: await answerDownload(res, held, query) });
    }
    const body = entry.body as Record<string, unknown> | undefined;
    const invalid = !m ? 'Unsupported post request.' : invalidBody(body);
    if (req.method !== 'POST' || invalid !== null || body === undefined) {
      const e = graphError(100, { message: invalid ?? '(#100) Invalid parameter' });
      send(res, e.status, e.body);
      return done({ behavior: 'invalid', status: e.status });
    }
    const { payload, wamid } = accepted(body);
    if (wamid !== null && callbacks !== null) {
      const recipient = String(body['to'] ?? body['recipient']);
      const statuses = behavior.kind === 'ok' || behavior.kind === 'drop' ? behavior.statuses : undefined;
      const traceparent = head.headers['traceparent'] ?? null;
      callbacks.report({ wamid, phoneNumberId: m![2]!, recipient, statuses: statuses ?? ['sent', 'delivered', 'read'], traceparent });
    }
    if (behavior.kind === 'drop') {
      req.socket.destroy();
      return done({ behavior: 'drop', wamid });
    }
    send(res, 200, payload);
    return done({ behavior: 'ok', status: 200, wamid });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  return {
    url: baseUrl,
    port,
    accessToken,
    requests,
    media,
    callbacks,
    meta: meta.state,
    script: (...more) => void steps.push(...more),
    setDefault: (b) => void (fallback = b),
    waitForRequests(n, filter) {
      const matching = () => (filter ? requests.filter(filter) : requests);
      if (matching().length >= n) return Promise.resolve(matching());
      return new Promise((resolve) => {
        const check = () => {
          if (matching().length < n) return;
          waiters.delete(check);
          resolve(matching());
        };
        waiters.add(check);
      });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * For `pnpm dev`: the stand-in on a fixed port (default 8090, loopback) logging one line per request, so a developer
 * sees each auto-reply leave. Point the service at it with WHATSAPP_GRAPH_BASE_URL=http://127.0.0.1:8090.
 */
export async function runGraphApiStandIn(
  opts: {
    port?: number;
    accessToken?: string | undefined;
    statusCallbacks?: StatusCallbackOptions;
    meta?: StandInMetaOptions;
    log?: (line: string) => void;
  } = {},
): Promise<GraphApiStandIn> {
  const log = opts.log ?? ((line: string) => console.log(`[graph-api] ${line}`));
  const standIn = await startGraphApiStandIn({
    port: opts.port ?? 8090,
    ...(opts.statusCallbacks ? { statusCallbacks: opts.statusCallbacks } : {}),
    ...(opts.accessToken ? { accessToken: opts.accessToken } : {}),
    ...(opts.meta ? { meta: opts.meta } : {}),
    onRequest: (r) => log(describeGraphRequest(r)),
  });
  log(`Graph API stand-in listening on ${standIn.url}`);
  return standIn;
}
