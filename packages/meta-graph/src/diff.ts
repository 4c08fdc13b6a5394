import { MESSAGING_LIMIT_TIERS } from '@wabus/tenants';
import type { Expected } from './expected.ts';
import type { Reported, ReportedNumber } from './reported.ts';

/** One way Meta disagrees with the tenants file; `kind` is the metric label (wabus_meta_check_differences). */
export type Difference =
  /** The app has no `whatsapp_business_account` subscription: no webhook at all. */
  | { kind: 'app_not_subscribed'; appId: string }
  /** Subscribed but paused (`active: false`). */
  | { kind: 'app_inactive'; appId: string }
  | { kind: 'app_callback_url'; appId: string; expected: string; reported: string }
  /** Fields the file wants that the app is not subscribed to: those webhooks never come. */
  | { kind: 'app_fields_missing'; appId: string; fields: string[] }
  /** Fields the app is subscribed to that no tenant of the file wants (kept by `meta subscribe` unless `--prune`). */
  | { kind: 'app_fields_extra'; appId: string; fields: string[] }
  /** The app is not among the WABA's subscribed apps: none of its webhooks come. */
  | { kind: 'waba_not_subscribed'; wabaId: string; appId: string }
  /** The WABA's override for the app is not the file's (null: none). */
  | { kind: 'waba_override'; wabaId: string; expected: string | null; reported: string | null }
  /** A number of the file under none of the tenant's WABAs (moved, deleted, or a typo). */
  | { kind: 'number_missing'; phoneNumberId: string }
  /** A number whose `status` is not CONNECTED (FLAGGED, RESTRICTED…). */
  | { kind: 'number_status'; phoneNumberId: string; status: string | null }
  /** A number rated RED: a step from being restricted. */
  | { kind: 'number_quality'; phoneNumberId: string; rating: string }
  /** A number below the file's `minMessagingLimit` (or not reporting a tier while one is required). */
  | { kind: 'number_messaging_limit'; phoneNumberId: string; tier: string | null; min: string };

export type DifferenceKind = Difference['kind'];

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = [
  'app_not_subscribed',
  'app_inactive',
  'app_callback_url',
  'app_fields_missing',
  'app_fields_extra',
  'waba_not_subscribed',
  'waba_override',
  'number_missing',
  'number_status',
  'number_quality',
  'number_messaging_limit',
];

const tierRank = (t: string | null): number => (t === null ? -1 : (MESSAGING_LIMIT_TIERS as readonly string[]).indexOf(t));

function numberDifferences(expected: Expected, n: ReportedNumber): Difference[] {
  const out: Difference[] = [];
  if (n.status !== 'CONNECTED') out.push({ kind: 'number_status', phoneNumberId: n.id, status: n.status });
  if (n.qualityRating === 'RED') out.push({ kind: 'number_quality', phoneNumberId: n.id, rating: n.qualityRating });
  const min = expected.minMessagingLimit;
  // An unknown tier name ranks -1 too: below any minimum, so it is reported rather than passed.
  if (min !== null && tierRank(n.messagingLimitTier) < tierRank(min))
    out.push({ kind: 'number_messaging_limit', phoneNumberId: n.id, tier: n.messagingLimitTier, min });
  return out;
}

/**
 * Pure: every way what Meta reports differs from what the tenants file expects, in a stable order (app, WABAs,
 * numbers). Empty: they agree.
 */
export function diff(expected: Expected, reported: Reported): Difference[] {
  const out: Difference[] = [];
  const { appId } = expected;
  const app = reported.app;
  if (app === null) out.push({ kind: 'app_not_subscribed', appId });
  else {
    if (!app.active) out.push({ kind: 'app_inactive', appId });
    if (app.callbackUrl !== expected.app.callbackUrl)
      out.push({ kind: 'app_callback_url', appId, expected: expected.app.callbackUrl, reported: app.callbackUrl });
    const missing = expected.app.fields.filter((f) => !app.fields.includes(f));
    if (missing.length > 0) out.push({ kind: 'app_fields_missing', appId, fields: missing });
    const extra = app.fields.filter((f) => !expected.app.fields.includes(f));
    if (extra.length > 0) out.push({ kind: 'app_fields_extra', appId, fields: extra });
  }
  for (const w of expected.wabas) {
    const ours = reported.wabas[w.id]?.apps.find((a) => a.appId === appId);
    if (ours === undefined) out.push({ kind: 'waba_not_subscribed', wabaId: w.id, appId });
    else if (ours.overrideCallbackUri !== w.callbackOverride)
      out.push({ kind: 'waba_override', wabaId: w.id, expected: w.callbackOverride, reported: ours.overrideCallbackUri });
  }
  const numbers = new Map(Object.values(reported.wabas).flatMap((w) => w.numbers.map((n) => [n.id, n] as const)));
  for (const id of expected.phoneNumberIds) {
    const n = numbers.get(id);
    if (n === undefined) out.push({ kind: 'number_missing', phoneNumberId: id });
    else out.push(...numberDifferences(expected, n));
  }
  return out;
}

/** One line naming what differs, for a person (never a secret: none is in a Difference). */
export function describeDifference(d: Difference): string {
  switch (d.kind) {
    case 'app_not_subscribed':
      return `app ${d.appId}: no whatsapp_business_account webhook subscription`;
    case 'app_inactive':
      return `app ${d.appId}: the webhook subscription is inactive`;
    case 'app_callback_url':
      return `app ${d.appId}: callback URL is ${d.reported}, expected ${d.expected}`;
    case 'app_fields_missing':
      return `app ${d.appId}: not subscribed to fields ${d.fields.join(', ')}`;
    case 'app_fields_extra':
      return `app ${d.appId}: subscribed to fields no tenant lists: ${d.fields.join(', ')}`;
    case 'waba_not_subscribed':
      return `WABA ${d.wabaId}: app ${d.appId} is not subscribed`;
    case 'waba_override':
      return `WABA ${d.wabaId}: callback override is ${d.reported ?? 'none'}, expected ${d.expected ?? 'none'}`;
    case 'number_missing':
      return `number ${d.phoneNumberId}: under none of the tenant's WABAs`;
    case 'number_status':
      return `number ${d.phoneNumberId}: status ${d.status ?? '(not reported)'}, expected CONNECTED`;
    case 'number_quality':
      return `number ${d.phoneNumberId}: quality rating ${d.rating}`;
    case 'number_messaging_limit':
      return `number ${d.phoneNumberId}: messaging limit ${d.tier ?? '(not reported)'}, below ${d.min}`;
    default: {
      const never: never = d;
      return never;
    }
  }
}
