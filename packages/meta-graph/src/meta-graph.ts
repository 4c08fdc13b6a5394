import { callGraph, graphPathSegment, type GraphErrorInfo, type GraphManagementCall } from '@wabus/graph-send';
import { MetaError } from './errors.ts';
import type { Credentials, Target } from './expected.ts';
import type { Change } from './plan.ts';
import { nextCursor, NUMBER_FIELDS, parseAppSubscriptions, parsePhoneNumbers, parseSubscribedApps, type Reported, type ReportedNumber } from './reported.ts';

export interface MetaGraphOptions {
  /** https://graph.facebook.com, or a stand-in. */
  baseUrl: string;
  /** v21.0… */
  apiVersion: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Which secret a call is made with, to say which one Meta refused (never the value). */
type TokenKind = 'app' | 'graph';

export interface MetaGraph {
  /** What Meta reports of one tenant: the app's subscription, and each WABA's subscribed apps and numbers. */
  read(target: Target): Promise<Reported>;
  /** Makes one planned write. */
  apply(change: Change, credentials: Credentials): Promise<void>;
}

const seg = (id: string) => graphPathSegment(id, 'id');
const REDACTED = '[redacted]';

/** The Graph call that makes a change, as sent (`verify_token` included) or, with `redact`, as printed. */
export function changeRequest(apiVersion: string, change: Change, verifyToken: string): GraphManagementCall & { token: TokenKind } {
  switch (change.kind) {
    case 'set_app_subscription':
      return {
        method: 'POST',
        path: `/${apiVersion}/${seg(change.appId)}/subscriptions`,
        body: { object: 'whatsapp_business_account', callback_url: change.callbackUrl, fields: change.fields.join(','), verify_token: verifyToken },
        token: 'app',
      };
    case 'remove_app_fields':
      return {
        method: 'DELETE',
        path: `/${apiVersion}/${seg(change.appId)}/subscriptions`,
        query: { object: 'whatsapp_business_account', fields: change.fields.join(',') },
        token: 'app',
      };
    case 'subscribe_waba':
      return {
        method: 'POST',
        path: `/${apiVersion}/${seg(change.wabaId)}/subscribed_apps`,
        // Without an override, the call subscribes the app (or clears an override it had).
        ...(change.callbackOverride === null ? {} : { body: { override_callback_uri: change.callbackOverride, verify_token: verifyToken } }),
        token: 'graph',
      };
    default: {
      const never: never = change;
      return never;
    }
  }
}

/** A change's request for a dry run or a log line: the verify token replaced, tokens never shown. */
export function describeRequest(apiVersion: string, change: Change): string {
  const r = changeRequest(apiVersion, change, REDACTED);
  const query = r.query === undefined ? '' : `?${new URLSearchParams(r.query as Record<string, string>).toString()}`;
  return `${r.method} ${r.path}${query}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}  (${r.token === 'app' ? 'app access token' : 'Graph token'})`;
}

function failure(error: GraphErrorInfo, call: string, token: TokenKind, tenantId: string): MetaError {
  const which = token === 'app' ? 'the app access token (appId|appSecret)' : `tenant ${tenantId}'s Graph token`;
  const details = {
    call,
    token,
    graphCode: error.code,
    subcode: error.subcode ?? null,
    httpStatus: error.httpStatus ?? null,
    fbtraceId: error.fbtraceId ?? null,
  };
  const said = error.message === undefined ? '' : `: ${error.message}`;
  if (error.code === 190)
    return new MetaError('WABUS_META_TOKEN_INVALID', {
      message: `${call}: Meta refused ${which} (code 190${error.subcode === undefined ? '' : `, subcode ${error.subcode}`})${said}`,
      details,
    });
  if (typeof error.code === 'string') return new MetaError('WABUS_META_GRAPH_UNREACHABLE', { message: `${call}: ${error.code}${said}`, details });
  return new MetaError('WABUS_META_GRAPH_ERROR', { message: `${call}: Meta answered code ${error.code}${said}`, details });
}

/** The Graph API calls of `meta subscribe` and `meta check` (docs/meta.md), over graph-send's `callGraph`. */
export function createMetaGraph(o: MetaGraphOptions): MetaGraph {
  const v = o.apiVersion;
  const call = async (c: GraphManagementCall, token: TokenKind, creds: Credentials, tenantId: string): Promise<unknown> => {
    const reply = await callGraph(o, c, token === 'app' ? creds.appToken : creds.graphToken);
    if (!reply.ok) throw failure(reply.error, `${c.method} ${c.path}`, token, tenantId);
    return reply.body;
  };

  async function numbersOf(wabaId: string, creds: Credentials, tenantId: string): Promise<ReportedNumber[]> {
    const out: ReportedNumber[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const query: Record<string, string> = { fields: NUMBER_FIELDS.join(','), limit: '100', ...(after === null ? {} : { after }) };
      const body = await call({ method: 'GET', path: `/${v}/${seg(wabaId)}/phone_numbers`, query }, 'graph', creds, tenantId);
      out.push(...parsePhoneNumbers(body));
      after = nextCursor(body);
      if (after === null) break;
    }
    return out;
  }

  return {
    async read({ expected, credentials }) {
      const { tenantId } = expected;
      const app = parseAppSubscriptions(await call({ method: 'GET', path: `/${v}/${seg(expected.appId)}/subscriptions` }, 'app', credentials, tenantId));
      const wabas: Reported['wabas'] = {};
      for (const w of expected.wabas) {
        const apps = parseSubscribedApps(await call({ method: 'GET', path: `/${v}/${seg(w.id)}/subscribed_apps` }, 'graph', credentials, tenantId));
        wabas[w.id] = { apps, numbers: await numbersOf(w.id, credentials, tenantId) };
      }
      return { app, wabas };
    },
    async apply(change, credentials) {
      const { token, ...request } = changeRequest(v, change, credentials.verifyToken);
      await call(request, token, credentials, change.kind === 'subscribe_waba' ? change.tenantId : change.appId);
    },
  };
}
