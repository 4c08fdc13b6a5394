import { bool, graphApiSchema, int, readConfig, requireGraphToken, str, type ConfigOf } from '@wabus/config';

/** auto-reply's own configuration, on top of the consumer service's (`@wabus/consumer-service`). */
export const autoReplySchema = {
  rulesFile: {
    env: 'AUTO_REPLY_RULES',
    parse: str,
    description: 'path of the rules file (JSON, see docs/consumers/auto-reply.md); with a tenants file, the rules of tenants without their own',
  },
  ...graphApiSchema,
  tenantsFile: {
    env: 'WABUS_TENANTS_FILE',
    parse: str,
    default: '',
    description: "the tenants file (docs/tenants.md): each tenant's Graph token and rules file; reloaded on SIGHUP",
  },
  requestTimeoutMs: {
    env: 'WHATSAPP_REQUEST_TIMEOUT_MS',
    parse: int(100, 120_000),
    default: 10_000,
    description: 'a send without an answer by then is recorded unknown (never retried)',
  },
  maxAgeSeconds: {
    env: 'AUTO_REPLY_MAX_AGE_SECONDS',
    parse: int(1, 30 * 86_400),
    default: 600,
    description: 'inbound messages older than this (Meta timestamp) are not answered',
  },
  ratePerSecond: { env: 'AUTO_REPLY_RATE_PER_SECOND', parse: int(1, 10_000), default: 80, description: 'Graph API calls per second per business number' },
  rateBurst: {
    env: 'AUTO_REPLY_RATE_BURST',
    parse: int(1, 10_000),
    default: 1,
    description: 'calls per business number allowed at once before the rate applies',
  },
  recipientIntervalMs: {
    env: 'AUTO_REPLY_RECIPIENT_INTERVAL_MS',
    parse: int(0, 3_600_000),
    default: 1_000,
    description: 'minimum time between two replies to one customer',
  },
  concurrency: { env: 'AUTO_REPLY_CONCURRENCY', parse: int(1, 256), default: 16, description: 'conversations of one batch handled at once' },
  retryInitialMs: {
    env: 'AUTO_REPLY_RETRY_INITIAL_MS',
    parse: int(1, 600_000),
    default: 1_000,
    description: 'first backoff after a rate-limit refusal (doubling, jittered)',
  },
  retryMaxMs: { env: 'AUTO_REPLY_RETRY_MAX_MS', parse: int(1, 3_600_000), default: 30_000, description: 'longest backoff after a rate-limit refusal' },
  allowReplay: { env: 'AUTO_REPLY_ALLOW_REPLAY', parse: bool, default: false, description: 'answer records carrying the wabus-replay header' },
} as const;

export type AutoReplyConfig = ConfigOf<typeof autoReplySchema>;

export function loadAutoReplyConfig(env: NodeJS.ProcessEnv = process.env): AutoReplyConfig {
  const cfg = readConfig(autoReplySchema, env);
  requireGraphToken(cfg);
  return cfg;
}
