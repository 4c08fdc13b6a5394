import { createSecretKey, type KeyObject } from 'node:crypto';
import { readConfig, str, int, bool, list, bytes, oneOf, ConfigError, type ConfigOf } from '@wabus/config';

/** A configured app secret. Only the label is ever logged or written to Kafka, never the secret. */
export interface AppSecret {
  label: string;
  /**
   * The secret as a KeyObject, made once: on Node 24 an HMAC keyed by a Buffer costs about four times one keyed by
   * a KeyObject (the key is imported anew on every call), ~15 µs of every webhook.
   */
  secret: KeyObject;
}

/**
 * `WHATSAPP_APP_SECRETS`: comma-separated, each either `secret` or `label=secret` (several Meta apps, or the old
 * and new secret during a rotation). Unlabelled secrets are called `secret#<n>` (1-based, in the order given).
 */
export function parseAppSecrets(raw: string, env: string): AppSecret[] {
  return list(raw, env).map((item, i) => {
    const eq = item.indexOf('=');
    const label = eq > 0 ? item.slice(0, eq).trim() : `secret#${i + 1}`;
    const secret = eq > 0 ? item.slice(eq + 1).trim() : item;
    if (secret.length === 0) throw new ConfigError(env, `entry ${i + 1} (${label}) has an empty secret`);
    return { label, secret: createSecretKey(Buffer.from(secret, 'utf8')) };
  });
}

export const ingressSchema = {
  host: { env: 'INGRESS_HOST', parse: str, default: '0.0.0.0', description: 'address to listen on' },
  port: { env: 'INGRESS_PORT', parse: int(0, 65535), default: 8080, description: 'port to listen on' },
  tenantsFile: {
    env: 'WABUS_TENANTS_FILE',
    parse: str,
    default: '',
    description:
      'the tenants file (docs/tenants.md): secrets, verify tokens and the WABAs and numbers each tenant owns; reloaded on SIGHUP. Without it, WHATSAPP_APP_SECRETS and WHATSAPP_VERIFY_TOKEN make the one tenant `default`',
  },
  appSecrets: {
    env: 'WHATSAPP_APP_SECRETS',
    parse: parseAppSecrets,
    default: [] as AppSecret[],
    description: 'app secrets that sign webhooks: comma-separated, `secret` or `label=secret` (required without WABUS_TENANTS_FILE)',
    secret: true,
  },
  verifyToken: {
    env: 'WHATSAPP_VERIFY_TOKEN',
    parse: str,
    default: '',
    description: 'verify token of the GET handshake (required without WABUS_TENANTS_FILE)',
    secret: true,
  },
  kafkaBrokers: { env: 'KAFKA_BROKERS', parse: list, default: ['127.0.0.1:9092'], description: 'Kafka bootstrap brokers, host:port, comma-separated' },
  rawTopic: { env: 'WABUS_RAW_TOPIC', parse: str, default: 'whatsapp.webhooks.raw.v1', description: 'topic of every accepted body, as received' },
  eventsTopic: { env: 'WABUS_EVENTS_TOPIC', parse: str, default: 'whatsapp.events.v1', description: 'topic of one event per item' },
  ackTimeoutMs: {
    env: 'INGRESS_ACK_TIMEOUT_MS',
    parse: int(100, 60_000),
    default: 5_000,
    description: 'how long a request waits for Kafka to acknowledge its records before answering 503',
  },
  bodyLimit: {
    env: 'INGRESS_BODY_LIMIT',
    parse: bytes,
    default: 3 * 1024 * 1024,
    description: 'largest accepted body (413 above); checked at start-up against what the raw and events topics take (docs/limits.md)',
  },
  produceQueueBytes: {
    env: 'INGRESS_PRODUCE_QUEUE_BYTES',
    parse: bytes,
    default: 64 * 1024 * 1024,
    description: 'bytes of records waiting for Kafka beyond which a webhook is answered 503 (memory stays bounded); one body is always taken',
  },
  requestTimeoutMs: {
    env: 'INGRESS_REQUEST_TIMEOUT_MS',
    parse: int(1_000, 120_000),
    default: 15_000,
    description: 'time a client gets to send headers and body',
  },
  keepAliveTimeoutMs: {
    env: 'INGRESS_KEEP_ALIVE_TIMEOUT_MS',
    parse: int(1_000, 600_000),
    default: 72_000,
    description: 'how long an idle keep-alive connection stays open (keep it above the idle timeout of a load balancer in front)',
  },
  connectionsCheckIntervalMs: {
    env: 'INGRESS_CONNECTIONS_CHECK_MS',
    parse: int(100, 30_000),
    default: 1_000,
    description: 'how often the request timeout is enforced: a slow client holds its socket at most the timeout plus this',
  },
  tlsCert: { env: 'INGRESS_TLS_CERT', parse: str, default: '', description: 'PEM certificate file: serve HTTPS directly' },
  tlsKey: { env: 'INGRESS_TLS_KEY', parse: str, default: '', description: 'PEM private key file for INGRESS_TLS_CERT' },
  mtls: { env: 'INGRESS_MTLS', parse: bool, default: false, description: 'require a client certificate (Meta mTLS for webhooks)' },
  mtlsCa: {
    env: 'INGRESS_MTLS_CA',
    parse: str,
    default: '',
    description: "PEM CA bundle that client certificates must chain to (default: Node's public roots, which include DigiCert)",
  },
  mtlsSubject: {
    env: 'INGRESS_MTLS_SUBJECT',
    parse: str,
    default: 'client.webhooks.fbclientcerts.com',
    description: 'the only client certificate subject CN accepted',
  },
  produceLingerMs: {
    env: 'INGRESS_PRODUCE_LINGER_MS',
    parse: int(0, 1_000),
    default: 2,
    description:
      'under load, how long the next produce request may wait to gather more records (fewer, larger requests: less broker CPU per webhook, that much more latency)',
  },
  workers: {
    env: 'INGRESS_WORKERS',
    parse: int(1, 64),
    default: 1,
    description: 'processes sharing the port (node:cluster), each with its own producer; one core each',
  },
  workerStallMs: {
    env: 'INGRESS_WORKER_STALL_MS',
    parse: int(0, 600_000),
    default: 15_000,
    description:
      'with INGRESS_WORKERS > 1: a worker whose event loop has not answered the supervisor for this long (stopped, paused, blocked) is killed and replaced; 0: never',
  },
  logLevel: { env: 'LOG_LEVEL', parse: oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'), default: 'info', description: 'pino log level' },
  logPhoneNumbers: {
    env: 'WABUS_LOG_PHONE_NUMBERS',
    parse: oneOf('masked', 'clear'),
    default: 'masked',
    description: 'whether customer phone numbers appear masked or in clear in logs',
  },
} as const;

export type IngressConfig = ConfigOf<typeof ingressSchema>;

export function loadIngressConfig(env: NodeJS.ProcessEnv = process.env): IngressConfig {
  const cfg = readConfig(ingressSchema, env);
  if (cfg.tenantsFile === '') {
    if (cfg.appSecrets.length === 0) throw new ConfigError('WHATSAPP_APP_SECRETS', 'is required (or give WABUS_TENANTS_FILE)');
    if (cfg.verifyToken === '') throw new ConfigError('WHATSAPP_VERIFY_TOKEN', 'is required (or give WABUS_TENANTS_FILE)');
  } else if (cfg.appSecrets.length > 0 || cfg.verifyToken !== '') {
    throw new ConfigError('WABUS_TENANTS_FILE', 'secrets and verify tokens come from the tenants file: unset WHATSAPP_APP_SECRETS and WHATSAPP_VERIFY_TOKEN');
  }
  if ((cfg.tlsCert === '') !== (cfg.tlsKey === '')) {
    throw new ConfigError('INGRESS_TLS_CERT, INGRESS_TLS_KEY', 'set both or neither');
  }
  if (cfg.mtls && cfg.tlsCert === '') throw new ConfigError('INGRESS_MTLS', 'mutual TLS needs INGRESS_TLS_CERT and INGRESS_TLS_KEY');
  return cfg;
}
