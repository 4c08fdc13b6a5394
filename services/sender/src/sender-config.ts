import { graphApiSchema, httpUrl, int, list, oneOf, readConfig, requireGraphToken, str, type ConfigOf } from '@wabus/config';
import type { ServiceFacts } from '@wabus/service/registry';

const optionalUrl = (raw: string, env: string): string => (raw === '' ? '' : httpUrl(raw, env));

/** The sender's configuration; its facts give the port. */
export function senderSchema({ port, portEnv }: Pick<ServiceFacts, 'port' | 'portEnv'>) {
  return {
    host: { env: 'HOST', parse: str, default: '0.0.0.0', description: 'address of the HTTP API' },
    port: { env: portEnv, parse: int(0, 65535), default: port, description: 'port of the HTTP API (POST /v1/messages)' },
    mongoUri: { env: 'MONGODB_URI', parse: str, default: 'mongodb://127.0.0.1:27017/?directConnection=true', description: 'MongoDB connection string' },
    database: { env: 'WABUS_DATABASE', parse: str, default: 'wabus_sender', description: "the sender's own database (collection sends)" },
    kafkaBrokers: { env: 'KAFKA_BROKERS', parse: list, default: ['127.0.0.1:9092'], description: 'Kafka bootstrap brokers' },
    sendsTopic: { env: 'WABUS_SENDS_TOPIC', parse: str, default: 'whatsapp.sends.v1', description: 'where each settled send is appended' },
    ...graphApiSchema,
    tenantsFile: {
      env: 'WABUS_TENANTS_FILE',
      parse: str,
      default: '',
      description: "the tenants file (docs/tenants.md): each tenant's Graph token and numbers",
    },
    requestTimeoutMs: {
      env: 'WHATSAPP_REQUEST_TIMEOUT_MS',
      parse: int(100, 120_000),
      default: 10_000,
      description: 'a send without an answer by then is recorded unknown (never sent again)',
    },
    ratePerSecond: { env: 'SENDER_RATE_PER_SECOND', parse: int(1, 10_000), default: 80, description: 'Graph API calls per second per business number' },
    rateBurst: {
      env: 'SENDER_RATE_BURST',
      parse: int(1, 10_000),
      default: 1,
      description: 'calls per business number allowed at once before the rate applies',
    },
    recipientIntervalMs: {
      env: 'SENDER_RECIPIENT_INTERVAL_MS',
      parse: int(0, 3_600_000),
      default: 1_000,
      description: 'minimum time between two messages to one customer',
    },
    retryInitialMs: { env: 'SENDER_RETRY_INITIAL_MS', parse: int(1, 600_000), default: 500, description: 'first backoff after a rate-limit refusal' },
    retryMaxMs: { env: 'SENDER_RETRY_MAX_MS', parse: int(1, 3_600_000), default: 5_000, description: 'longest backoff after a rate-limit refusal' },
    refusalRetryMs: {
      env: 'SENDER_REFUSAL_RETRY_MS',
      parse: int(0, 600_000),
      default: 15_000,
      description: 'refused sends (rate limits) are retried this long after the request came in, then failed (retries_exhausted)',
    },
    messageStoreUrl: {
      env: 'SENDER_MESSAGE_STORE_URL',
      parse: optionalUrl,
      default: '',
      description: "message-store's API, asked for the customer's last inbound message (the 24-hour window); empty: not checked, Meta decides (131047)",
    },
    statusTrackerUrl: {
      env: 'SENDER_STATUS_TRACKER_URL',
      parse: optionalUrl,
      default: '',
      description: "status-tracker's API, asked for a send's current delivery status in GET /v1/messages/:id; empty: not shown",
    },
    accountStateUrl: {
      env: 'SENDER_ACCOUNT_STATE_URL',
      parse: optionalUrl,
      default: '',
      description:
        "account-state's API, asked for a template's status before it is sent (only APPROVED goes; unreachable: 503, nothing sent); empty: not checked, Meta decides",
    },
    logLevel: { env: 'LOG_LEVEL', parse: oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'), default: 'info', description: 'pino log level' },
  } as const;
}

export type SenderConfig = ConfigOf<ReturnType<typeof senderSchema>>;

export function loadSenderConfig(facts: Pick<ServiceFacts, 'port' | 'portEnv'>, env: NodeJS.ProcessEnv = process.env): SenderConfig {
  const cfg = readConfig(senderSchema(facts), env);
  requireGraphToken(cfg);
  return cfg;
}
