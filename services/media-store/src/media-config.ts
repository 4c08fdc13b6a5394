import { bool, bytes, ConfigError, graphApiSchema, int, oneOf, readConfig, requireGraphToken, str, type ConfigOf } from '@wabus/config';

/** media-store's own configuration, on top of the consumer service's (`@wabus/consumer-service`). */
export const mediaSchema = {
  ...graphApiSchema,
  tenantsFile: {
    env: 'WABUS_TENANTS_FILE',
    parse: str,
    default: '',
    description: "the tenants file (docs/tenants.md): each tenant's Graph token for its media; reloaded on SIGHUP",
  },
  backend: {
    env: 'MEDIA_STORE_BACKEND',
    parse: oneOf('fs', 's3'),
    default: 'fs',
    description: 'where the bytes go: fs (a directory) or s3 (any S3-compatible store)',
  },
  dir: { env: 'MEDIA_STORE_DIR', parse: str, default: '.wabus/media', description: 'fs: the directory of the objects (objects/, tmp/)' },
  s3Endpoint: { env: 'MEDIA_S3_ENDPOINT', parse: str, default: '', description: 's3: endpoint URL (empty: AWS by region)' },
  s3Region: { env: 'MEDIA_S3_REGION', parse: str, default: 'us-east-1', description: 's3: region' },
  s3Bucket: { env: 'MEDIA_S3_BUCKET', parse: str, default: '', description: 's3: bucket (required for s3)' },
  s3Prefix: { env: 'MEDIA_S3_PREFIX', parse: str, default: '', description: 's3: key prefix of the objects, e.g. media/' },
  s3AccessKeyId: { env: 'MEDIA_S3_ACCESS_KEY_ID', parse: str, default: '', description: 's3: access key id' },
  s3SecretAccessKey: { env: 'MEDIA_S3_SECRET_ACCESS_KEY', parse: str, secret: true, default: '', description: 's3: secret access key; never logged' },
  s3ForcePathStyle: {
    env: 'MEDIA_S3_FORCE_PATH_STYLE',
    parse: bool,
    default: true,
    description: 's3: path-style URLs (self-hosted S3-compatible servers need them)',
  },
  s3PartSize: {
    env: 'MEDIA_S3_PART_SIZE',
    parse: bytes,
    default: 8 * 1024 * 1024,
    description: 's3: multipart part size (at least 5mb); two parts per upload in memory',
  },
  maxBytes: {
    env: 'MEDIA_MAX_BYTES',
    parse: bytes,
    default: 100 * 1024 * 1024,
    description: "largest media fetched (Meta's limit: 100 MB documents): by the lookup's file_size, and a download passing it is stopped",
  },
  timeoutMs: {
    env: 'MEDIA_REQUEST_TIMEOUT_MS',
    parse: int(100, 600_000),
    default: 30_000,
    description: 'a lookup without an answer, or a download without a byte, for this long fails the attempt',
  },
  maxAttempts: { env: 'MEDIA_FETCH_ATTEMPTS', parse: int(1, 100), default: 8, description: 'attempts per media (lookups and downloads) before giving up' },
  retryInitialMs: {
    env: 'MEDIA_RETRY_INITIAL_MS',
    parse: int(1, 600_000),
    default: 1_000,
    description: 'first backoff after a 5xx/429/network failure (doubling, jittered)',
  },
  retryMaxMs: { env: 'MEDIA_RETRY_MAX_MS', parse: int(1, 3_600_000), default: 30_000, description: 'longest backoff' },
  urlTtlMs: {
    env: 'MEDIA_URL_TTL_MS',
    parse: int(1, 3_600_000),
    default: 240_000,
    description: "how long a download URL is used before it is looked up again (Meta's expire after about 5 minutes)",
  },
  windowMs: { env: 'MEDIA_FETCH_WINDOW_MS', parse: int(1, 86_400_000), default: 300_000, description: 'wall-clock budget of one fetch; then it stays pending' },
  sweepAfterMs: {
    env: 'MEDIA_SWEEP_AFTER_MS',
    parse: int(0, 7 * 86_400_000),
    default: 3_600_000,
    description: 'at start-up, temporary files and incomplete uploads older than this (what a killed writer left) are removed',
  },
  concurrency: { env: 'MEDIA_CONCURRENCY', parse: int(1, 64), default: 4, description: 'media of one batch fetched at once' },
} as const;

export type MediaConfig = ConfigOf<typeof mediaSchema>;

export function loadMediaConfig(env: NodeJS.ProcessEnv = process.env): MediaConfig {
  const cfg = readConfig(mediaSchema, env);
  requireGraphToken(cfg);
  if (cfg.backend === 's3' && cfg.s3Bucket === '') throw new ConfigError('MEDIA_S3_BUCKET', 'required with MEDIA_STORE_BACKEND=s3');
  if (cfg.s3PartSize < 5 * 1024 * 1024) throw new ConfigError('MEDIA_S3_PART_SIZE', `at least 5mb (S3's minimum part size), got ${cfg.s3PartSize}`);
  return cfg;
}
