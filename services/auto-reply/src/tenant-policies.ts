import { TenantsError, type Tenants } from '@wabus/tenants';
import type { DecidePolicy } from './decide.ts';
import { loadRules } from './parse-rules.ts';
import type { RuleBook } from './rule-types.ts';

/** How auto-reply answers one tenant: its rules and its Graph API token. */
export interface TenantPolicy {
  policy: DecidePolicy;
  accessToken: string;
}

export interface TenantPolicies {
  tenants: Tenants;
  /** Undefined for a tenant the configuration does not know (its messages are skipped as `unknown_tenant`). */
  of(tenantId: string): TenantPolicy | undefined;
}

export interface PolicySettings {
  /** AUTO_REPLY_RULES: the rules of tenants without rules of their own. */
  rulesFile: string;
  /** WHATSAPP_ACCESS_TOKEN: the token of tenants without one of their own ('' when not set). */
  accessToken: string;
  maxAgeSeconds: number;
  allowReplay: boolean;
}

/**
 * Every tenant's policy, built whole before anything is answered: each rules file read and checked, each tenant
 * given a token (its own, else WHATSAPP_ACCESS_TOKEN). A tenant left without a token is a TenantsError naming it.
 * Without a tenants file the one tenant is `default`, owning every number (environment-only configuration).
 */
export async function loadTenantPolicies(tenants: Tenants, s: PolicySettings): Promise<TenantPolicies> {
  const books = new Map<string, Promise<RuleBook>>();
  const book = (path: string) => books.get(path) ?? books.set(path, loadRules(path)).get(path)!;
  const byTenant = new Map<string, TenantPolicy>();
  for (const [i, t] of tenants.list.entries()) {
    const accessToken = t.graphAccessToken ?? (s.accessToken === '' ? null : s.accessToken);
    if (accessToken === null) {
      throw new TenantsError(
        `tenants[${i}] (${t.id}).graphAccessToken`,
        `auto-reply needs a Graph API token for every tenant: give this one its own, or set WHATSAPP_ACCESS_TOKEN (${tenants.source})`,
      );
    }
    const rules = await book(t.autoReplyRules ?? s.rulesFile);
    byTenant.set(t.id, { accessToken, policy: { tenantId: t.id, rules, maxAgeSeconds: s.maxAgeSeconds, allowReplay: s.allowReplay } });
  }
  return { tenants, of: (id) => byTenant.get(id) };
}
