/** The id of the one tenant of a deployment configured by environment variables alone (no tenants file). */
export const DEFAULT_TENANT = 'default';

/** A CRM target of its own for a tenant (crm-sync); without one the tenant uses crm-sync's environment settings. */
export interface TenantCrm {
  baseUrl: string;
  authToken: string | null;
}

/**
 * Meta's messaging limit tiers, lowest first (a phone number's `messaging_limit_tier`); `meta.minMessagingLimit` is one
 * of them.
 */
export const MESSAGING_LIMIT_TIERS = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type MessagingLimitTier = (typeof MESSAGING_LIMIT_TIERS)[number];

/** The Meta app whose webhook serves this tenant, as `wabus meta subscribe` sets it and `wabus meta check` expects it (docs/meta.md). */
export interface TenantMeta {
  appId: string;
  /** For the app access token `<appId>|<appSecret>` (default: the first of `appSecrets`); never printed. */
  appSecret: string;
  /** The app's webhook callback URL (`/{app-id}/subscriptions`, object `whatsapp_business_account`). */
  callbackUrl: string;
  /** The webhook fields the app subscribes to (`messages`, `account_update`…). */
  fields: string[];
  /** Every WABA of the tenant (`wabaIds`), subscribed to the app, with its callback override if any. */
  wabas: Record<string, { callbackOverride: string | null }>;
  /** A number below this tier is reported (`number_messaging_limit`); null: any tier. */
  minMessagingLimit: MessagingLimitTier | null;
}

/**
 * One business on Meta's platform served by this wabus: which apps sign its webhooks, which WABAs and business
 * numbers it owns, and how wabus talks back to Meta and to its CRM on its behalf (docs/tenants.md).
 */
export interface Tenant {
  id: string;
  /** Secrets of the Meta apps that sign its webhooks (several during a rotation), with labels safe to log. */
  appSecrets: { label: string; secret: string }[];
  verifyToken: string | null;
  graphAccessToken: string | null;
  wabaIds: string[];
  phoneNumberIds: string[];
  /** Auto-reply rules file of this tenant (default: AUTO_REPLY_RULES). */
  autoReplyRules: string | null;
  crm: TenantCrm | null;
  /** Its Meta app's webhook, for `wabus meta subscribe` / `meta check`; null: not managed by wabus. */
  meta: TenantMeta | null;
  /** The environment-only tenant owns every WABA and number. */
  ownsAll: boolean;
}

export interface Tenants {
  list: readonly Tenant[];
  byId(id: string): Tenant | undefined;
  /** The tenant owning a WABA (by its `wabaIds`), else undefined. */
  ownerOfWaba(wabaId: string): Tenant | undefined;
  /** The tenant owning a business number (by its `phoneNumberIds`), else undefined. */
  ownerOfNumber(phoneNumberId: string): Tenant | undefined;
  /** Where the configuration came from: the tenants file's path, or `environment`. */
  source: string;
}

export function tenantsOf(list: readonly Tenant[], source: string): Tenants {
  const byId = new Map(list.map((t) => [t.id, t]));
  const byWaba = new Map<string, Tenant>();
  const byNumber = new Map<string, Tenant>();
  for (const t of list) {
    for (const w of t.wabaIds) byWaba.set(w, t);
    for (const n of t.phoneNumberIds) byNumber.set(n, t);
  }
  const all = list.length === 1 && list[0]!.ownsAll ? list[0] : undefined;
  return {
    list,
    source,
    byId: (id) => byId.get(id),
    ownerOfWaba: (id) => byWaba.get(id) ?? all,
    ownerOfNumber: (id) => byNumber.get(id) ?? all,
  };
}

/** The one tenant of an environment-only configuration: it owns everything. */
export function environmentTenants(
  o: { appSecrets?: { label: string; secret: string }[]; verifyToken?: string | null; graphAccessToken?: string | null } = {},
): Tenants {
  return tenantsOf(
    [
      {
        id: DEFAULT_TENANT,
        appSecrets: o.appSecrets ?? [],
        verifyToken: o.verifyToken ?? null,
        graphAccessToken: o.graphAccessToken ?? null,
        wabaIds: [],
        phoneNumberIds: [],
        autoReplyRules: null,
        crm: null,
        meta: null,
        ownsAll: true,
      },
    ],
    'environment',
  );
}

/**
 * The tenant of an event: the one ingress wrote (schema v2), else — records from before tenants — the owner of its
 * business number or WABA in this configuration, else the default tenant.
 */
export function tenantOfEvent(tenants: Tenants, event: { tenantId: string | null; phoneNumberId: string | null; wabaId: string }): string {
  if (event.tenantId !== null) return event.tenantId;
  const owner = (event.phoneNumberId === null ? undefined : tenants.ownerOfNumber(event.phoneNumberId)) ?? tenants.ownerOfWaba(event.wabaId);
  return owner?.id ?? DEFAULT_TENANT;
}
