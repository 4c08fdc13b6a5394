import { bool, ConfigError, int, readConfig, str, type ConfigOf } from '@wabus/config';

function smtpUrl(raw: string, env: string): string {
  if (raw === '') return '';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(env, `expected smtp:// or smtps:// URL, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new ConfigError(env, `expected smtp:// or smtps://, got ${u.protocol}`);
  return raw;
}

/** The dispatcher's own configuration (the consumer side is `@wabus/consumer-service`'s). */
export const dispatcherSchema = {
  subscriptionsFile: {
    env: 'DISPATCHER_SUBSCRIPTIONS_FILE',
    parse: str,
    default: '',
    description: 'JSON file of subscriptions (read-only through the API); empty: API subscriptions only',
  },
  smtpUrl: {
    env: 'DISPATCHER_SMTP_URL',
    parse: smtpUrl,
    default: '',
    secret: true,
    description: 'SMTP server of e-mail targets, smtp[s]://[user:password@]host:port',
  },
  timeoutMs: {
    env: 'DISPATCHER_TIMEOUT_MS',
    parse: int(100, 120_000),
    default: 5_000,
    description: 'one attempt; no answer by then: the delivery is unknown (never resent on its own)',
  },
  maxAttempts: { env: 'DISPATCHER_MAX_ATTEMPTS', parse: int(1, 100), default: 10, description: 'attempts before a delivery goes to its endpoint dead letters' },
  backoffInitialMs: { env: 'DISPATCHER_BACKOFF_INITIAL_MS', parse: int(1, 3_600_000), default: 1_000, description: 'first retry delay (doubling, jittered)' },
  backoffMaxMs: {
    env: 'DISPATCHER_BACKOFF_MAX_MS',
    parse: int(1, 86_400_000),
    default: 300_000,
    description: 'longest retry delay (and longest Retry-After honoured)',
  },
  concurrency: {
    env: 'DISPATCHER_CONCURRENCY',
    parse: int(1, 256),
    default: 8,
    description: 'conversations in flight at once per endpoint (one delivery each)',
  },
  breakerFailures: { env: 'DISPATCHER_BREAKER_FAILURES', parse: int(1, 1_000), default: 5, description: 'consecutive failed attempts that pause an endpoint' },
  breakerPauseMs: {
    env: 'DISPATCHER_BREAKER_PAUSE_MS',
    parse: int(10, 3_600_000),
    default: 30_000,
    description: 'first pause of a failing endpoint; doubled after each failed probe',
  },
  breakerMaxPauseMs: { env: 'DISPATCHER_BREAKER_MAX_PAUSE_MS', parse: int(10, 86_400_000), default: 600_000, description: 'longest pause' },
  leaseMs: {
    env: 'DISPATCHER_LEASE_MS',
    parse: int(1_000, 3_600_000),
    default: 30_000,
    description: 'an attempt older than this whose process died is unknown; at least 2 × DISPATCHER_TIMEOUT_MS',
  },
  retentionMs: {
    env: 'DISPATCHER_DELIVERED_RETENTION_MS',
    parse: int(0, 3_153_600_000_000),
    default: 0,
    description:
      'delivered and cancelled deliveries are deleted this long after they settled (0: kept for ever); an event re-read after that (a replay with --allow-effects) is delivered again',
  },
  pollMs: {
    env: 'DISPATCHER_POLL_MS',
    parse: int(10, 60_000),
    default: 500,
    description: 'how often an idle endpoint worker looks at its queue (new deliveries wake it at once)',
  },
  refreshMs: {
    env: 'DISPATCHER_REFRESH_MS',
    parse: int(100, 600_000),
    default: 5_000,
    description: "how often API subscriptions are re-read (another instance's changes)",
  },
  allowReplay: { env: 'DISPATCHER_ALLOW_REPLAY', parse: bool, default: false, description: 'dispatch records with the wabus-replay header' },
} as const;

export type DispatcherConfig = ConfigOf<typeof dispatcherSchema>;

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  const config = readConfig(dispatcherSchema, env);
  // A lease shorter than an attempt would call a live attempt dead, and let its conversation's next one overtake it.
  if (config.leaseMs < 2 * config.timeoutMs)
    throw new ConfigError('DISPATCHER_LEASE_MS', `must be at least 2 × DISPATCHER_TIMEOUT_MS (${2 * config.timeoutMs}), got ${config.leaseMs}`);
  return config;
}
