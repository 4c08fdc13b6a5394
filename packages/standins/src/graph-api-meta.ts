import { randomInt } from 'node:crypto';
import { graphError, type GraphErrorBody } from './graph-api-errors.ts';

/** A business number as the stand-in reports it (Meta's field names, `GET /{waba-id}/phone_numbers`). */
export interface StandInPhoneNumber {
  id: string;
  display_phone_number: string;
  verified_name: string;
  /** CONNECTED, FLAGGED, RESTRICTED… */
  status: string;
  /** GREEN, YELLOW, RED, UNKNOWN. */
  quality_rating: string;
  messaging_limit_tier: string;
  throughput: { level: string };
  name_status: string;
  code_verification_status: string;
  platform_type: string;
}

/** The Graph API's management state (docs/meta.md): apps and their webhook, WABAs, their subscribed apps and numbers. */
export interface StandInMetaOptions {
  /** Apps; the app access token of each is `<id>|<secret>`. */
  apps?: { id: string; secret: string; name?: string }[];
  /** WABAs with their numbers (what is not given takes a healthy default: CONNECTED, GREEN, TIER_1K…). */
  wabas?: { id: string; phoneNumbers?: (Partial<StandInPhoneNumber> & { id: string })[] }[];
  /** The app a system user token acts for (what `POST /{waba-id}/subscribed_apps` subscribes); default: the first app. */
  tokenApps?: Record<string, string>;
  /**
   * Like Meta, verify a callback URL before setting it (the app's, or a WABA's override): `GET <url>?hub.mode=subscribe
   * &hub.challenge=…&hub.verify_token=…` must answer 200 with the challenge, else code 2200. Off by default.
   */
  verifyCallbacks?: boolean;
}

export interface AppSubscription {
  object: string;
  callback_url: string;
  active: boolean;
  fields: { name: string; version: string }[];
}

/** The state, and the ways a test (or `POST /_standin/meta/…` under `pnpm dev`) makes it disagree with a tenants file. */
export interface StandInMeta {
  /** The app's `whatsapp_business_account` subscription, or null. */
  appSubscription(appId: string): AppSubscription | null;
  /** Replaces (or, with null, removes) the app's subscription: fields, callback, active as given. */
  setAppSubscription(appId: string, sub: { callbackUrl: string; fields: string[]; active?: boolean } | null): void;
  /** The WABA's subscribed apps, Meta's shape. */
  subscribedApps(wabaId: string): { whatsapp_business_api_data: { id: string; link: string; name: string }; override_callback_uri?: string }[];
  /** Unsubscribes an app (default: every app) from the WABA, as if someone removed it in the dashboard. */
  dropSubscription(wabaId: string, appId?: string): void;
  /** Points the app's override on the WABA elsewhere (null: none); the app must be subscribed. */
  setOverride(wabaId: string, appId: string, url: string | null): void;
  /** Changes a number (status FLAGGED, quality_rating RED…). */
  setNumber(id: string, over: Partial<Omit<StandInPhoneNumber, 'id'>>): void;
  /** From now on this token is answered 190 (subcode 463, "Session has expired"). */
  expireToken(token: string): void;
  /** Whether the token is one Meta would take for a WABA call (and not expired). */
  isExpired(token: string): boolean;
}

/** A management request the stand-in answers, by route. */
export type MetaRoute =
  | { kind: 'app_subscriptions'; appId: string }
  | { kind: 'subscribed_apps'; wabaId: string }
  | { kind: 'phone_numbers'; wabaId: string }
  | { kind: 'phone_number'; id: string };

const VERSIONED = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([a-z_]+))?\/?$/;
const DEFAULT_NUMBER_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];

const number = (n: Partial<StandInPhoneNumber> & { id: string }): StandInPhoneNumber => ({
  display_phone_number: `+1 555-${n.id.slice(-4).padStart(4, '0')}`,
  verified_name: 'Stand-in Business',
  status: 'CONNECTED',
  quality_rating: 'GREEN',
  messaging_limit_tier: 'TIER_1K',
  throughput: { level: 'STANDARD' },
  name_status: 'APPROVED',
  code_verification_status: 'VERIFIED',
  platform_type: 'CLOUD_API',
  ...n,
});

const success = { status: 200, body: { success: true } };

/** Meta's 190 for an expired session (subcode 463). */
function expired(): { status: number; body: GraphErrorBody } {
  return graphError(190, { subcode: 463, message: 'Error validating access token: Session has expired.' });
}

/** Meta's handshake: GET the callback with a challenge and the verify token; null when it echoed the challenge, else why not. */
async function verifyCallback(url: string, verifyToken: unknown): Promise<string | null> {
  // Meta's challenges are digits (an opaque string to the endpoint, which must echo it byte for byte).
  const challenge = String(randomInt(1_000_000_000, 2_147_483_647));
  const u = new URL(url);
  u.searchParams.set('hub.mode', 'subscribe');
  u.searchParams.set('hub.challenge', challenge);
  u.searchParams.set('hub.verify_token', typeof verifyToken === 'string' ? verifyToken : '');
  try {
    const res = await fetch(u, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    return res.status === 200 && text === challenge ? null : `HTTP Status Code = ${res.status}; the response did not match the challenge`;
  } catch (err) {
    return `Couldn't connect to server: ${(err as Error).message}`;
  }
}

/** The management part of the Graph stand-in: app subscriptions, WABA subscribed apps with overrides, numbers. */
export function createStandInMeta(o: StandInMetaOptions, userTokens: () => ReadonlySet<string>) {
  const apps = new Map((o.apps ?? []).map((a) => [a.id, { ...a, name: a.name ?? `App ${a.id}` }]));
  const appSubs = new Map<string, AppSubscription>();
  const wabas = new Map((o.wabas ?? []).map((w) => [w.id, { subscribed: new Map<string, string | null>(), numbers: (w.phoneNumbers ?? []).map(number) }]));
  const expiredTokens = new Set<string>();
  const firstApp = o.apps?.[0]?.id;
  const numberById = (id: string) => [...wabas.values()].flatMap((w) => w.numbers).find((n) => n.id === id);

  const state: StandInMeta = {
    appSubscription: (appId) => appSubs.get(appId) ?? null,
    setAppSubscription(appId, sub) {
      if (sub === null) return void appSubs.delete(appId);
      appSubs.set(appId, {
        object: 'whatsapp_business_account',
        callback_url: sub.callbackUrl,
        active: sub.active ?? true,
        fields: sub.fields.map((name) => ({ name, version: 'v21.0' })),
      });
    },
    subscribedApps(wabaId) {
      return [...(wabas.get(wabaId)?.subscribed ?? new Map<string, string | null>())].map(([id, override]) => ({
        whatsapp_business_api_data: { id, link: `https://www.facebook.com/games/?app_id=${id}`, name: apps.get(id)?.name ?? `App ${id}` },
        ...(override === null ? {} : { override_callback_uri: override }),
      }));
    },
    dropSubscription(wabaId, appId) {
      const w = wabas.get(wabaId);
      if (appId === undefined) w?.subscribed.clear();
      else w?.subscribed.delete(appId);
    },
    setOverride(wabaId, appId, url) {
      const w = wabas.get(wabaId);
      if (w === undefined || !w.subscribed.has(appId)) throw new Error(`app ${appId} is not subscribed to WABA ${wabaId}`);
      w.subscribed.set(appId, url);
    },
    setNumber(id, over) {
      const n = numberById(id);
      if (n === undefined) throw new Error(`no number ${id}`);
      Object.assign(n, over);
    },
    expireToken: (token) => void expiredTokens.add(token),
    isExpired: (token) => expiredTokens.has(token),
  };

  /** The route of a request, or null when it is not a management call the stand-in knows. */
  function route(method: string, path: string): MetaRoute | null {
    const m = VERSIONED.exec(path);
    if (m === null) return null;
    const [, , node = '', edge] = m;
    const id = decodeURIComponent(node);
    if (edge === 'subscriptions' && apps.has(id)) return { kind: 'app_subscriptions', appId: id };
    if (edge === 'subscribed_apps' && wabas.has(id)) return { kind: 'subscribed_apps', wabaId: id };
    if (edge === 'phone_numbers' && wabas.has(id) && method === 'GET') return { kind: 'phone_numbers', wabaId: id };
    if (edge === undefined && method === 'GET' && numberById(id) !== undefined) return { kind: 'phone_number', id };
    return null;
  }

  /** Meta's 190 for a token it does not take for this route, else null. */
  function refusal(r: MetaRoute, authorization: string | undefined): { status: number; body: GraphErrorBody } | null {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (expiredTokens.has(token)) return expired();
    if (r.kind === 'app_subscriptions') {
      const app = apps.get(r.appId)!;
      return token === `${app.id}|${app.secret}` ? null : graphError(190, { message: 'Invalid OAuth access token signature.' });
    }
    return userTokens().has(token) || (o.tokenApps !== undefined && token in o.tokenApps) ? null : graphError(190);
  }

  /** Answers a management call (after its token was taken): Meta's JSON, or Meta's error. */
  async function answer(r: MetaRoute, method: string, body: unknown, query: URLSearchParams, token: string): Promise<{ status: number; body: unknown }> {
    const params = { ...Object.fromEntries(query), ...(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}) };
    switch (r.kind) {
      case 'app_subscriptions': {
        if (method === 'GET') return { status: 200, body: { data: appSubs.has(r.appId) ? [appSubs.get(r.appId)] : [] } };
        if (params['object'] !== 'whatsapp_business_account')
          return graphError(100, { message: '(#100) Param object must be one of {whatsapp_business_account, …}' });
        const fields = typeof params['fields'] === 'string' ? params['fields'].split(',').filter((f) => f !== '') : [];
        const current = appSubs.get(r.appId);
        if (method === 'DELETE') {
          if (current === undefined) return success;
          if (fields.length === 0) appSubs.delete(r.appId);
          else current.fields = current.fields.filter((f) => !fields.includes(f.name));
          return success;
        }
        if (typeof params['callback_url'] !== 'string') return graphError(100, { message: '(#100) The parameter callback_url is required' });
        if (o.verifyCallbacks === true) {
          const failed = await verifyCallback(params['callback_url'], params['verify_token']);
          if (failed !== null) return graphError(2200, { message: `(#2200) Callback verification failed with the following errors: ${failed}` });
        }
        // A POST adds its fields to those already subscribed (removing takes a DELETE) and replaces the callback.
        const names = new Set([...(current?.fields.map((f) => f.name) ?? []), ...fields]);
        state.setAppSubscription(r.appId, { callbackUrl: params['callback_url'], fields: [...names] });
        return success;
      }
      case 'subscribed_apps': {
        const w = wabas.get(r.wabaId)!;
        if (method === 'GET') return { status: 200, body: { data: state.subscribedApps(r.wabaId) } };
        const appId = o.tokenApps?.[token] ?? firstApp;
        if (appId === undefined) return graphError(100, { message: '(#100) No app for this token' });
        if (method === 'DELETE') {
          w.subscribed.delete(appId);
          return success;
        }
        const override = params['override_callback_uri'];
        if (override !== undefined) {
          if (typeof override !== 'string' || override.length > 200) return graphError(100, { message: '(#100) Invalid parameter: override_callback_uri' });
          if (typeof params['verify_token'] !== 'string') return graphError(100, { message: '(#100) The parameter verify_token is required' });
          if (o.verifyCallbacks === true) {
            const failed = await verifyCallback(override, params['verify_token']);
            if (failed !== null) return graphError(2200, { message: `(#2200) Callback verification failed with the following errors: ${failed}` });
          }
        }
        // Without override_callback_uri, the app is subscribed with none (an override it had is cleared).
        w.subscribed.set(appId, typeof override === 'string' ? override : null);
        return success;
      }
      case 'phone_numbers': {
        const asked = typeof params['fields'] === 'string' ? params['fields'].split(',') : DEFAULT_NUMBER_FIELDS;
        const pick = (n: StandInPhoneNumber) => Object.fromEntries(asked.filter((f) => f in n).map((f) => [f, n[f as keyof StandInPhoneNumber]]));
        const data = wabas.get(r.wabaId)!.numbers.map(pick);
        const cursor = Buffer.from(r.wabaId).toString('base64url');
        return { status: 200, body: { data, paging: { cursors: { before: cursor, after: cursor } } } };
      }
      case 'phone_number': {
        const n = numberById(r.id)!;
        const asked = typeof params['fields'] === 'string' ? params['fields'].split(',') : DEFAULT_NUMBER_FIELDS;
        return { status: 200, body: Object.fromEntries(asked.filter((f) => f in n).map((f) => [f, n[f as keyof StandInPhoneNumber]])) };
      }
      default: {
        const never: never = r;
        return never;
      }
    }
  }

  return { state, route, refusal, answer };
}

/**
 * `POST /_standin/meta/<action>` under `pnpm dev` (loopback, no token): make the stand-in disagree with the tenants
 * file to see `wabus meta check` find it. Actions: drop-subscription { wabaId, appId? }, set-override { wabaId, appId,
 * url }, set-number { id, ...fields }, set-app-fields { appId, fields, callbackUrl? }, expire-token { token }.
 */
export function controlMeta(state: StandInMeta, action: string, b: Record<string, unknown>): { status: number; body: unknown } {
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
  try {
    switch (action) {
      case 'drop-subscription':
        state.dropSubscription(s('wabaId') ?? '', s('appId'));
        break;
      case 'set-override':
        state.setOverride(s('wabaId') ?? '', s('appId') ?? '', s('url') ?? null);
        break;
      case 'set-number': {
        const { id, ...over } = b;
        state.setNumber(String(id), over);
        break;
      }
      case 'set-app-fields': {
        const appId = s('appId') ?? '';
        const current = state.appSubscription(appId);
        const fields = Array.isArray(b['fields']) ? b['fields'].map(String) : [];
        state.setAppSubscription(appId, { callbackUrl: s('callbackUrl') ?? current?.callback_url ?? '', fields });
        break;
      }
      case 'expire-token':
        state.expireToken(s('token') ?? '');
        break;
      default:
        return { status: 404, body: { error: `unknown action ${action}` } };
    }
  } catch (err) {
    return { status: 400, body: { error: (err as Error).message } };
  }
  return { status: 200, body: { ok: true } };
}
