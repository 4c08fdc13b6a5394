/**
 * Stable error codes of `@wabus/ops`. The CLI prints `code: message` and exits non-zero; tests assert on `code`.
 */
export type OpsErrorCode =
  | 'WABUS_OPS_UNKNOWN_CONSUMER'
  | 'WABUS_OPS_BAD_OFFSET'
  | 'WABUS_OPS_BAD_TIME'
  | 'WABUS_OPS_SELECTOR_REQUIRED'
  | 'WABUS_OPS_REASON_REQUIRED'
  | 'WABUS_OPS_NO_MATCH'
  | 'WABUS_OPS_TOPIC_MISSING'
  | 'WABUS_OPS_BROKER_UNREACHABLE'
  | 'WABUS_OPS_READ_TIMEOUT'
  | 'WABUS_OPS_REDRIVE_FAILED'
  | 'WABUS_OPS_LEDGER_WRITE_FAILED'
  | 'WABUS_OPS_KAFKA_FAILED'
  // replay, diff, re-derive (src/replay)
  | 'WABUS_OPS_BAD_REPLAY'
  | 'WABUS_OPS_GROUP_LIVE'
  | 'WABUS_OPS_REPLAY_FORWARD'
  | 'WABUS_OPS_SHADOW_EXISTS'
  | 'WABUS_OPS_SHADOW_FAILED'
  | 'WABUS_OPS_DATABASE_MISSING';

export class OpsError extends Error {
  readonly code: OpsErrorCode;
  /** Structured details for `--json` output and for callers that act on them (e.g. entries already redriven). */
  readonly details: Record<string, unknown>;

  constructor(code: OpsErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OpsError';
    this.code = code;
    this.details = options?.details ?? {};
  }
}

export const isOpsError = (err: unknown, code?: OpsErrorCode): err is OpsError => err instanceof OpsError && (code === undefined || err.code === code);

/** Keeps coded errors as they are; a Kafka client error (numeric or no string code) becomes WABUS_OPS_KAFKA_FAILED. */
export function asCodedError(err: unknown): unknown {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string') return err;
  if (typeof e?.name === 'string' && e.name.startsWith('KafkaJS')) {
    const type = (e as { type?: unknown }).type;
    return new OpsError('WABUS_OPS_KAFKA_FAILED', `Kafka: ${typeof type === 'string' ? `${type}: ` : ''}${String(e.message)}`, { cause: err });
  }
  return err;
}
