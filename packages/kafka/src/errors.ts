export type KafkaErrorCode =
  | 'WABUS_KAFKA_PRODUCE_TIMEOUT'
  | 'WABUS_KAFKA_PRODUCE_FAILED'
  | 'WABUS_KAFKA_QUEUE_FULL'
  | 'WABUS_KAFKA_CLOSED'
  | 'WABUS_KAFKA_TOPICS_INVALID'
  | 'WABUS_KAFKA_GROUP_LIVE'
  | 'WABUS_KAFKA_OFFSETS_NOT_SET';

export class KafkaError extends Error {
  readonly code: KafkaErrorCode;

  constructor(code: KafkaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaError';
    this.code = code;
  }
}

export const isKafkaError = (err: unknown, code?: KafkaErrorCode): err is KafkaError =>
  err instanceof KafkaError && (code === undefined || err.code === code);
