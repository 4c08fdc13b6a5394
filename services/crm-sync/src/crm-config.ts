import { bool, ConfigError, int, readConfig, str, type ConfigOf } from '@wabus/config';

function httpUrl(raw: string, env: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(env, `expected an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(env, `expected an http(s) URL, got ${u.protocol}`);
  if (u.username || u.password) throw new ConfigError(env, 'credentials do not belong in the URL: use CRM_AUTH_TOKEN');
  return raw.replace(/\/+$/, '');
}

/** The CRM side of crm-sync's configuration (the consumer side is `@wabus/consumer-service`'s). */
export const crmSchema = {
  baseUrl: { env: 'CRM_BASE_URL', parse: httpUrl, description: 'base URL of the CRM REST API (PUT /contacts/:id, POST /contacts/batch)' },
  authToken: { env: 'CRM_AUTH_TOKEN', parse: str, default: '', secret: true, description: 'credential sent in CRM_AUTH_HEADER; empty: none' },
  authHeader: { env: 'CRM_AUTH_HEADER', parse: str, default: 'Authorization', description: 'header that carries the credential' },
  authScheme: { env: 'CRM_AUTH_SCHEME', parse: str, default: 'Bearer', description: 'prefix of the credential (e.g. Bearer); empty: the token alone' },
  signingSecret: {
    env: 'CRM_SIGNING_SECRET',
    parse: str,
    default: '',
    secret: true,
    description: 'HMAC-SHA256 key of X-Wabus-Signature over each body; empty: unsigned',
  },
  batch: { env: 'CRM_BATCH', parse: bool, default: false, description: 'use POST /contacts/batch instead of one PUT per contact' },
  batchSize: { env: 'CRM_BATCH_SIZE', parse: int(1, 1_000), default: 100, description: 'contacts per batch request' },
  concurrency: { env: 'CRM_CONCURRENCY', parse: int(1, 64), default: 4, description: 'CRM requests in flight at once per partition' },
  timeoutMs: { env: 'CRM_TIMEOUT_MS', parse: int(100, 120_000), default: 5_000, description: 'timeout of one CRM request' },
  retryBudgetMs: {
    env: 'CRM_RETRY_BUDGET_MS',
    parse: int(0, 600_000),
    default: 10_000,
    description: 'time one upsert call may spend retrying before the batch is retried by the runtime',
  },
  leaseMs: {
    env: 'CRM_LEASE_MS',
    parse: int(1_000, 3_600_000),
    default: 30_000,
    description: 'sync lease per contact; at least CRM_RETRY_BUDGET_MS + 2 × CRM_TIMEOUT_MS',
  },
  leaseWaitMs: {
    env: 'CRM_LEASE_WAIT_MS',
    parse: int(0, 60_000),
    default: 2_000,
    description: 'how long a batch waits for a contact another writer is syncing',
  },
  tenantsFile: {
    env: 'WABUS_TENANTS_FILE',
    parse: str,
    default: '',
    description: "the tenants file (docs/tenants.md): a tenant's own CRM target (crm.baseUrl, crm.authToken); reloaded on SIGHUP",
  },
  allowReplay: { env: 'CRM_SYNC_ALLOW_REPLAY', parse: bool, default: false, description: 'let records with the wabus-replay header call the CRM' },
} as const;

export type CrmConfig = ConfigOf<typeof crmSchema>;

export function loadCrmConfig(env: NodeJS.ProcessEnv = process.env): CrmConfig {
  const config = readConfig(crmSchema, env);
  // A lease that could expire while our own request is still out would let a newer state overtake it.
  if (config.leaseMs < config.retryBudgetMs + 2 * config.timeoutMs) {
    throw new ConfigError(
      'CRM_LEASE_MS',
      `must be at least CRM_RETRY_BUDGET_MS + 2 × CRM_TIMEOUT_MS (${config.retryBudgetMs + 2 * config.timeoutMs}), got ${config.leaseMs}`,
    );
  }
  return config;
}

/** The credential header, or null when no token is configured. */
export function authOf(config: Pick<CrmConfig, 'authToken' | 'authHeader' | 'authScheme'>): { header: string; value: string } | null {
  if (config.authToken === '') return null;
  return { header: config.authHeader, value: config.authScheme === '' ? config.authToken : `${config.authScheme} ${config.authToken}` };
}
