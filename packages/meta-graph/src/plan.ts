import type { Difference } from './diff.ts';
import type { Expected } from './expected.ts';

/** One write `meta subscribe` would make; `why` names the differences it fixes. */
export type Change =
  /** `POST /{app-id}/subscriptions` object=whatsapp_business_account, callback_url, fields, verify_token (app token). */
  | { kind: 'set_app_subscription'; appId: string; callbackUrl: string; fields: string[]; why: string[] }
  /** `DELETE /{app-id}/subscriptions?object=whatsapp_business_account&fields=…` (only with --prune). */
  | { kind: 'remove_app_fields'; appId: string; fields: string[]; why: string[] }
  /** `POST /{waba-id}/subscribed_apps` (the tenant's token), with `override_callback_uri` + `verify_token` when one is configured. */
  | { kind: 'subscribe_waba'; tenantId: string; wabaId: string; appId: string; callbackOverride: string | null; why: string[] };

/**
 * Pure: the writes that make Meta agree with the file, from the differences `diff` found. Nothing when they agree
 * (so a second run writes nothing). Number differences are not fixed by writes: they are reported only. Extra app
 * fields are removed only with `prune` (an app may serve more than this file).
 */
export function plan(expected: Expected, differences: readonly Difference[], o: { prune?: boolean } = {}): Change[] {
  const out: Change[] = [];
  const appWhy = differences.flatMap((d) =>
    d.kind === 'app_not_subscribed' || d.kind === 'app_inactive' || d.kind === 'app_callback_url' || d.kind === 'app_fields_missing' ? [d.kind] : [],
  );
  if (appWhy.length > 0)
    out.push({ kind: 'set_app_subscription', appId: expected.appId, callbackUrl: expected.app.callbackUrl, fields: expected.app.fields, why: appWhy });
  const extra = differences.find((d) => d.kind === 'app_fields_extra');
  if (extra !== undefined && o.prune === true) out.push({ kind: 'remove_app_fields', appId: expected.appId, fields: extra.fields, why: ['app_fields_extra'] });
  for (const w of expected.wabas) {
    const why = differences.flatMap((d) => ((d.kind === 'waba_not_subscribed' || d.kind === 'waba_override') && d.wabaId === w.id ? [d.kind] : []));
    if (why.length > 0)
      out.push({ kind: 'subscribe_waba', tenantId: expected.tenantId, wabaId: w.id, appId: expected.appId, callbackOverride: w.callbackOverride, why });
  }
  return out;
}

/** Changes of several tenants with one app-level write per app (tenants sharing an app need it once). */
export function mergeChanges(changes: readonly Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = c.kind === 'subscribe_waba' ? `${c.kind}:${c.wabaId}:${c.appId}` : `${c.kind}:${c.appId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
