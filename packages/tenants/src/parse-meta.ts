import { DIGITS_ID } from '@wabus/events';
import { TenantsError } from './errors.ts';
import { MESSAGING_LIMIT_TIERS, type TenantMeta } from './tenant.ts';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

const META_KEYS = new Set(['appId', 'appSecret', 'callbackUrl', 'fields', 'wabas', 'minMessagingLimit']);
const WABA_KEYS = new Set(['callbackOverride']);
const FIELD = /^[a-z][a-z0-9_]{0,99}$/;

/** An http(s) URL of at most `max` characters (Meta: 200 for an override); Meta itself wants https. */
function url(v: Json, at: string, max: number): string {
  if (typeof v !== 'string') throw new TenantsError(at, `expected an http(s) URL, got ${JSON.stringify(v)}`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new TenantsError(at, `expected an http(s) URL, got ${JSON.stringify(v)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TenantsError(at, `expected an http(s) URL, got ${JSON.stringify(v)}`);
  if (v.length > max) throw new TenantsError(at, `at most ${max} characters (Meta's limit), got ${v.length}`);
  return v;
}

/**
 * A tenant's `meta` (docs/meta.md): the app whose webhook `wabus meta subscribe` sets and `wabus meta check` compares
 * with what Meta reports. `secret` reads `appSecret` as the file's other secrets; the tenant must have a verify token
 * (Meta sends it back in the callback handshake) and at least one WABA (what gets subscribed).
 */
export function parseMeta(
  v: Json,
  at: string,
  tenant: { appSecrets: { secret: string }[]; verifyToken: string | null; wabaIds: string[] },
  secret: (v: Json, at: string) => string,
): TenantMeta | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw new TenantsError(at, 'expected { "appId", "callbackUrl", "fields", "wabas"?, "appSecret"?, "minMessagingLimit"? }');
  for (const k of Object.keys(v)) if (!META_KEYS.has(k)) throw new TenantsError(`${at}.${k}`, `unknown field (known: ${[...META_KEYS].join(', ')})`);
  const appId = v['appId'];
  if (typeof appId !== 'string' || !DIGITS_ID.test(appId))
    throw new TenantsError(`${at}.appId`, `expected the app id, digits as a string, got ${JSON.stringify(appId)}`);
  const appSecret = v['appSecret'] === undefined ? tenant.appSecrets[0]!.secret : secret(v['appSecret'], `${at}.appSecret`);
  const callbackUrl = url(v['callbackUrl'], `${at}.callbackUrl`, 2048);
  const fields = v['fields'];
  if (!Array.isArray(fields) || fields.length === 0) throw new TenantsError(`${at}.fields`, 'expected a non-empty array of webhook fields, e.g. ["messages"]');
  const seen = new Set<string>();
  fields.forEach((f: Json, j: number) => {
    if (typeof f !== 'string' || !FIELD.test(f))
      throw new TenantsError(`${at}.fields[${j}]`, `expected a webhook field name such as "messages", got ${JSON.stringify(f)}`);
    if (seen.has(f)) throw new TenantsError(`${at}.fields[${j}]`, `${f} is listed twice`);
    seen.add(f);
  });
  if (tenant.verifyToken === null) throw new TenantsError(`${at}`, "needs the tenant's verifyToken: Meta sends it in the callback handshake");
  if (tenant.wabaIds.length === 0) throw new TenantsError(`${at}`, 'needs wabaIds: each WABA is subscribed to the app');
  const rawWabas = v['wabas'] ?? {};
  if (!isObject(rawWabas)) throw new TenantsError(`${at}.wabas`, 'expected { "<waba id>": { "callbackOverride"?: "https://…" } }');
  const wabas: TenantMeta['wabas'] = {};
  for (const wabaId of tenant.wabaIds) wabas[wabaId] = { callbackOverride: null };
  for (const [wabaId, w] of Object.entries(rawWabas)) {
    const wat = `${at}.wabas.${wabaId}`;
    if (!tenant.wabaIds.includes(wabaId)) throw new TenantsError(wat, `not one of the tenant's wabaIds (${tenant.wabaIds.join(', ')})`);
    if (!isObject(w)) throw new TenantsError(wat, 'expected { "callbackOverride"?: "https://…" }');
    for (const k of Object.keys(w)) if (!WABA_KEYS.has(k)) throw new TenantsError(`${wat}.${k}`, `unknown field (known: ${[...WABA_KEYS].join(', ')})`);
    const override = w['callbackOverride'];
    wabas[wabaId] = { callbackOverride: override === undefined || override === null ? null : url(override, `${wat}.callbackOverride`, 200) };
  }
  const min = v['minMessagingLimit'];
  if (min !== undefined && !(MESSAGING_LIMIT_TIERS as readonly Json[]).includes(min))
    throw new TenantsError(`${at}.minMessagingLimit`, `expected one of ${MESSAGING_LIMIT_TIERS.join(', ')}, got ${JSON.stringify(min)}`);
  return {
    appId,
    appSecret,
    callbackUrl,
    fields: [...fields] as string[],
    wabas,
    minMessagingLimit: (min as TenantMeta['minMessagingLimit'] | undefined) ?? null,
  };
}
