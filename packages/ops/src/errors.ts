import { defineErrors } from '@wabus/errors';

/**
 * Stable error codes of `@wabus/ops`. The CLI prints `code: message` and exits non-zero; tests assert on `code`.
 * Structured facts (e.g. the entries already re-driven) go in `details`, for `--json` output and for callers.
 */
export const OPS_ERRORS = {
  WABUS_OPS_UNKNOWN_CONSUMER: { message: 'unknown consumer service' },
  WABUS_OPS_BAD_OFFSET: { message: 'invalid offset' },
  WABUS_OPS_BAD_TIME: { message: 'invalid time or duration' },
  WABUS_OPS_SELECTOR_REQUIRED: { message: 'say which dead letters: --offset, --code, --event-id, or --all' },
  WABUS_OPS_REASON_REQUIRED: { message: 'a reason is required (--reason "...")' },
  WABUS_OPS_NO_MATCH: { message: 'nothing matches' },
  WABUS_OPS_TOPIC_MISSING: { message: 'topic not on the cluster (run `pnpm wabus topics apply`)' },
  WABUS_OPS_BROKER_UNREACHABLE: { message: 'cannot reach Kafka' },
  WABUS_OPS_READ_TIMEOUT: { message: 'reading the topics did not reach their end in time' },
  WABUS_OPS_REDRIVE_FAILED: { message: 'producing re-driven dead letters failed' },
  WABUS_OPS_VALUE_OMITTED: {
    message: 'a dead letter without its value (too large for the dead-letter topic) cannot be re-driven: replay its consumer from the source offset',
  },
  WABUS_OPS_LEDGER_WRITE_FAILED: { message: 'could not record the action in the dead-letter ledger' },
  WABUS_OPS_KAFKA_FAILED: { message: 'a Kafka request failed' },
  // replay, diff, re-derive (src/replay)
  WABUS_OPS_BAD_REPLAY: { message: 'invalid replay request' },
  WABUS_OPS_GROUP_LIVE: { message: 'the consumer group has live members: stop them first' },
  WABUS_OPS_REPLAY_FORWARD: { message: 'a replay never moves a group forward' },
  WABUS_OPS_SHADOW_EXISTS: { message: 'the shadow group already has committed offsets: pick another --label' },
  WABUS_OPS_SHADOW_FAILED: { message: 'the shadow service exited before the replay finished' },
  WABUS_OPS_DATABASE_MISSING: { message: 'no such database (or it is empty)' },
} as const;

export type OpsErrorCode = keyof typeof OPS_ERRORS;

export class OpsError extends defineErrors('OpsError', OPS_ERRORS) {}

/** Keeps coded errors as they are; a Kafka client error (numeric or no string code) becomes WABUS_OPS_KAFKA_FAILED. */
export function asCodedError(err: unknown): unknown {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string') return err;
  if (typeof e?.name === 'string' && e.name.startsWith('KafkaJS')) {
    const type = (e as { type?: unknown }).type;
    return new OpsError('WABUS_OPS_KAFKA_FAILED', { message: `Kafka: ${typeof type === 'string' ? `${type}: ` : ''}${String(e.message)}`, cause: err });
  }
  return err;
}
