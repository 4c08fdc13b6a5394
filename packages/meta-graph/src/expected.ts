import type { MessagingLimitTier, Tenant, Tenants } from '@wabus/tenants';
import { MetaError } from './errors.ts';

/** What the tenants file says Meta should report for one tenant (docs/meta.md). */
export interface Expected {
  tenantId: string;
  appId: string;
  /** The app's webhook: one per app, so the union of the fields of every tenant of the file using this app. */
  app: { callbackUrl: string; fields: string[] };
  /** Every WABA of the tenant, subscribed to the app, with its override or none. */
  wabas: { id: string; callbackOverride: string | null }[];
  /** The tenant's business numbers: each should be under one of its WABAs. */
  phoneNumberIds: string[];
  minMessagingLimit: MessagingLimitTier | null;
}

/** The secrets of one tenant's calls: never printed, never in a plan. */
export interface Credentials {
  /** `<app id>|<app secret>`: Meta's app access token, for `/{app-id}/subscriptions`. */
  appToken: string;
  /** The system user token (the tenant's `graphAccessToken`, else WHATSAPP_ACCESS_TOKEN), for the WABA and number calls. */
  graphToken: string;
  /** The verify token Meta sends back in the handshake of a callback URL (the tenant's `verifyToken`). */
  verifyToken: string;
}

export interface Target {
  expected: Expected;
  credentials: Credentials;
}

const withMeta = (t: Tenant): t is Tenant & { meta: NonNullable<Tenant['meta']> } => t.meta !== null;

/**
 * The tenants to work on (all with `meta`, or the one `only` names) with what is expected of each and the secrets
 * to ask with. Pure apart from its arguments: `fallbackToken` is WHATSAPP_ACCESS_TOKEN (or '').
 */
export function targetsOf(tenants: Tenants, o: { only?: string | undefined; fallbackToken: string }): Target[] {
  const managed = tenants.list.filter(withMeta);
  if (managed.length === 0)
    throw new MetaError('WABUS_META_NOT_CONFIGURED', { message: `no tenant of ${tenants.source} has a meta section (docs/tenants.md)` });
  const chosen = o.only === undefined ? managed : managed.filter((t) => t.id === o.only);
  if (chosen.length === 0) {
    const known = tenants.byId(o.only!) === undefined ? 'no such tenant' : 'it has no meta section';
    throw new MetaError('WABUS_META_NOT_CONFIGURED', {
      message: `--tenant ${o.only}: ${known} (tenants with meta: ${managed.map((t) => t.id).join(', ')})`,
      param: 'tenant',
    });
  }
  // One app, one webhook: its fields are every tenant's of the file (whichever are being worked on).
  const apps = new Map<string, { callbackUrl: string; fields: Set<string>; tenant: string }>();
  for (const t of managed) {
    const app = apps.get(t.meta.appId);
    if (app === undefined) apps.set(t.meta.appId, { callbackUrl: t.meta.callbackUrl, fields: new Set(t.meta.fields), tenant: t.id });
    else if (app.callbackUrl !== t.meta.callbackUrl)
      throw new MetaError('WABUS_META_CONFLICT', {
        message: `tenants ${app.tenant} and ${t.id} share app ${t.meta.appId} with different callbackUrl: an app has one callback (use a WABA callbackOverride)`,
        param: `${t.id}.meta.callbackUrl`,
      });
    else for (const f of t.meta.fields) app.fields.add(f);
  }
  return chosen.map((t) => {
    const graphToken = t.graphAccessToken ?? o.fallbackToken;
    if (graphToken === '')
      throw new MetaError('WABUS_META_NO_TOKEN', {
        message: `tenant ${t.id}: no graphAccessToken and WHATSAPP_ACCESS_TOKEN is not set`,
        param: `${t.id}.graphAccessToken`,
      });
    const app = apps.get(t.meta.appId)!;
    return {
      expected: {
        tenantId: t.id,
        appId: t.meta.appId,
        app: { callbackUrl: app.callbackUrl, fields: [...app.fields].sort() },
        wabas: Object.entries(t.meta.wabas).map(([id, w]) => ({ id, callbackOverride: w.callbackOverride })),
        phoneNumberIds: t.phoneNumberIds,
        minMessagingLimit: t.meta.minMessagingLimit,
      },
      credentials: { appToken: `${t.meta.appId}|${t.meta.appSecret}`, graphToken, verifyToken: t.verifyToken! },
    };
  });
}
