import { ConfigError } from './errors.ts';
import { str } from './parsers.ts';

/** An http(s) URL, without trailing slashes. */
export function httpUrl(raw: string, env: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(env, `expected an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError(env, `expected an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

/** A Graph API version such as v21.0. */
export function graphVersion(raw: string, env: string): string {
  if (!/^v\d+\.\d+$/.test(raw)) throw new ConfigError(env, `expected a Graph API version such as v21.0, got ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * How a service calls Meta's Graph API on behalf of its tenants (auto-reply sends, media-store downloads): the same
 * variables in every service that does, so one deployment sets them once.
 */
export const graphApiSchema = {
  graphBaseUrl: {
    env: 'WHATSAPP_GRAPH_BASE_URL',
    parse: httpUrl,
    default: 'https://graph.facebook.com',
    description: 'Graph API base URL (a stand-in in dev and tests)',
  },
  apiVersion: { env: 'WHATSAPP_API_VERSION', parse: graphVersion, default: 'v21.0', description: 'Graph API version' },
  accessToken: {
    env: 'WHATSAPP_ACCESS_TOKEN',
    parse: str,
    secret: true,
    default: '',
    description: 'Graph API access token (system user token) of tenants without their own; never logged. Required without WABUS_TENANTS_FILE',
  },
} as const;

/** Without a tenants file, the environment's token is the only one: required. */
export function requireGraphToken(cfg: { accessToken: string; tenantsFile: string }): void {
  if (cfg.tenantsFile === '' && cfg.accessToken === '')
    throw new ConfigError('WHATSAPP_ACCESS_TOKEN', 'required (the Graph API token), unless WABUS_TENANTS_FILE gives every tenant its own');
}
