import { createSecretKey } from 'node:crypto';
import { DEFAULT_TENANT, environmentTenants, type Tenants } from '@wabus/tenants';
import type { AppSecret } from './config.ts';

/** A secret that signs webhooks, and the tenants whose apps use it (one app can serve several: a tech provider). */
export interface SigningSecret extends AppSecret {
  tenantIds: ReadonlySet<string>;
}

/** What the webhook routes check requests against: made once per configuration, not per request. */
export interface SigningKeys {
  secrets: readonly SigningSecret[];
  verifyTokens: readonly string[];
  tenants: Tenants;
}

/** The environment-only configuration: every secret is the default tenant's, which owns everything. */
export function environmentKeys(appSecrets: readonly AppSecret[], verifyToken: string): SigningKeys {
  const tenantIds = new Set([DEFAULT_TENANT]);
  return { secrets: appSecrets.map((s) => ({ ...s, tenantIds })), verifyTokens: verifyToken === '' ? [] : [verifyToken], tenants: environmentTenants() };
}

/** From a tenants file: one key per distinct secret (an HMAC each per request), labelled by the tenants holding it. */
export function tenantKeys(tenants: Tenants): SigningKeys {
  const bySecret = new Map<string, { labels: string[]; tenantIds: Set<string> }>();
  for (const t of tenants.list) {
    for (const s of t.appSecrets) {
      const entry = bySecret.get(s.secret) ?? { labels: [], tenantIds: new Set<string>() };
      entry.labels.push(s.label);
      entry.tenantIds.add(t.id);
      bySecret.set(s.secret, entry);
    }
  }
  return {
    secrets: [...bySecret].map(([secret, e]) => ({ label: e.labels.join('|'), secret: createSecretKey(Buffer.from(secret, 'utf8')), tenantIds: e.tenantIds })),
    verifyTokens: [...new Set(tenants.list.flatMap((t) => (t.verifyToken === null ? [] : [t.verifyToken])))],
    tenants,
  };
}
