import { DIGITS_ID } from '@wabus/events';
import { TenantsError } from './errors.ts';
import { parseMeta } from './parse-meta.ts';
import { tenantsOf, type Tenant, type TenantCrm, type Tenants } from './tenant.ts';

/** How a secret value in the file is read: a literal, `{ "env": "NAME" }` or `{ "file": "/path" }`. */
export interface SecretSources {
  env: (name: string) => string | undefined;
  readFile: (path: string) => string;
}

const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const TENANT_KEYS = new Set(['id', 'appSecrets', 'verifyToken', 'graphAccessToken', 'wabaIds', 'phoneNumberIds', 'autoReply', 'crm', 'meta']);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The tenants file (docs/tenants.md), validated whole: every problem is a TenantsError naming the tenant and the
 * field (`tenants[1] (acme).phoneNumberIds[0]: …`), so a bad file is refused at start-up, and a bad reload leaves
 * the running configuration as it was.
 */
export function parseTenants(text: string, source: string, secrets: SecretSources): Tenants {
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new TenantsError(source, `not JSON: ${(cause as Error).message}`, { cause });
  }
  if (!isObject(doc) || !Array.isArray(doc['tenants'])) throw new TenantsError(source, 'expected an object with a "tenants" array');
  if (doc['tenants'].length === 0) throw new TenantsError(`${source} tenants`, 'at least one tenant is needed');
  const tenants: Tenant[] = [];
  const ids = new Set<string>();
  const wabaOwner = new Map<string, string>();
  const numberOwner = new Map<string, string>();
  doc['tenants'].forEach((raw: Json, i: number) => {
    let at = `tenants[${i}]`;
    if (!isObject(raw)) throw new TenantsError(at, 'expected an object');
    const id = raw['id'];
    if (typeof id !== 'string' || !ID.test(id))
      throw new TenantsError(`${at}.id`, `expected lowercase letters, digits, "-" or "_" (up to 63), got ${JSON.stringify(id)}`);
    at = `tenants[${i}] (${id})`;
    if (ids.has(id)) throw new TenantsError(`${at}.id`, 'another tenant has this id');
    ids.add(id);
    for (const k of Object.keys(raw)) if (!TENANT_KEYS.has(k)) throw new TenantsError(`${at}.${k}`, `unknown field (known: ${[...TENANT_KEYS].join(', ')})`);

    const secretList = raw['appSecrets'];
    if (!Array.isArray(secretList) || secretList.length === 0) throw new TenantsError(`${at}.appSecrets`, 'expected a non-empty array of secrets');
    const appSecrets = secretList.map((s: Json, j: number) => ({ label: `${id}#${j + 1}`, secret: secret(s, `${at}.appSecrets[${j}]`, secrets) }));
    const wabaIds = idList(raw['wabaIds'], `${at}.wabaIds`);
    const phoneNumberIds = idList(raw['phoneNumberIds'], `${at}.phoneNumberIds`);
    if (wabaIds.length === 0 && phoneNumberIds.length === 0) throw new TenantsError(at, 'owns nothing: give wabaIds, phoneNumberIds or both');
    wabaIds.forEach((w, j) => {
      const other = wabaOwner.get(w);
      if (other !== undefined) throw new TenantsError(`${at}.wabaIds[${j}]`, `WABA ${w} is already owned by tenant ${other}`);
      wabaOwner.set(w, id);
    });
    phoneNumberIds.forEach((n, j) => {
      const other = numberOwner.get(n);
      if (other !== undefined) throw new TenantsError(`${at}.phoneNumberIds[${j}]`, `number ${n} is already owned by tenant ${other}`);
      numberOwner.set(n, id);
    });
    const autoReply = raw['autoReply'];
    if (autoReply !== undefined && !(isObject(autoReply) && typeof autoReply['rules'] === 'string' && autoReply['rules'] !== '')) {
      throw new TenantsError(`${at}.autoReply`, 'expected { "rules": "<path of the rules file>" }');
    }
    const verifyToken = optionalSecret(raw['verifyToken'], `${at}.verifyToken`, secrets);
    tenants.push({
      id,
      appSecrets,
      verifyToken,
      graphAccessToken: optionalSecret(raw['graphAccessToken'], `${at}.graphAccessToken`, secrets),
      wabaIds,
      phoneNumberIds,
      autoReplyRules: isObject(autoReply) ? (autoReply['rules'] as string) : null,
      crm: crm(raw['crm'], `${at}.crm`, secrets),
      meta: parseMeta(raw['meta'], `${at}.meta`, { appSecrets, verifyToken, wabaIds }, (v, a) => secret(v, a, secrets)),
      ownsAll: false,
    });
  });
  return tenantsOf(tenants, source);
}

function idList(v: Json, at: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new TenantsError(at, 'expected an array of ids (digits, as strings)');
  return v.map((x: Json, j: number) => {
    if (typeof x !== 'string' || !DIGITS_ID.test(x)) throw new TenantsError(`${at}[${j}]`, `expected an id of digits as a string, got ${JSON.stringify(x)}`);
    return x;
  });
}

function secret(v: Json, at: string, s: SecretSources): string {
  let value: string | undefined;
  if (typeof v === 'string') value = v;
  else if (isObject(v) && typeof v['env'] === 'string' && Object.keys(v).length === 1) {
    value = s.env(v['env']);
    if (value === undefined) throw new TenantsError(at, `environment variable ${v['env']} is not set`);
  } else if (isObject(v) && typeof v['file'] === 'string' && Object.keys(v).length === 1) {
    try {
      value = s.readFile(v['file']).replace(/\r?\n$/, '');
    } catch (cause) {
      throw new TenantsError(at, `cannot read ${v['file']}: ${(cause as Error).message}`, { cause });
    }
  } else throw new TenantsError(at, 'expected a string, { "env": "NAME" } or { "file": "/path" }');
  if (value === '') throw new TenantsError(at, 'is empty');
  return value;
}

const optionalSecret = (v: Json, at: string, s: SecretSources): string | null => (v === undefined || v === null ? null : secret(v, at, s));

function crm(v: Json, at: string, s: SecretSources): TenantCrm | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v) || typeof v['baseUrl'] !== 'string') throw new TenantsError(at, 'expected { "baseUrl": "https://…", "authToken"?: secret }');
  let url: URL;
  try {
    url = new URL(v['baseUrl']);
  } catch {
    throw new TenantsError(`${at}.baseUrl`, `expected an http(s) URL, got ${JSON.stringify(v['baseUrl'])}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TenantsError(`${at}.baseUrl`, `expected an http(s) URL, got ${JSON.stringify(v['baseUrl'])}`);
  return { baseUrl: v['baseUrl'].replace(/\/+$/, ''), authToken: optionalSecret(v['authToken'], `${at}.authToken`, s) };
}
