import { defineErrors } from '@wabus/errors';

/** Stable error codes of `@wabus/kafka` (producer, topics, group offsets, replay marks); none has an HTTP status. */
export const KAFKA_ERRORS = {
  WABUS_KAFKA_PRODUCE_TIMEOUT: { message: 'not acknowledged by Kafka in time' },
  WABUS_KAFKA_PRODUCE_FAILED: { message: 'produce failed' },
  WABUS_KAFKA_QUEUE_FULL: { message: 'produce queue full' },
  WABUS_KAFKA_CLOSED: { message: 'producer is closed' },
  WABUS_KAFKA_NOT_OUR_PRODUCER: { message: 'records are produced through createProducer (@wabus/kafka), not a kafkajs producer' },
  WABUS_KAFKA_TOPICS_INVALID: { message: 'invalid topic definitions' },
  WABUS_KAFKA_TOPICS_NOT_READY: { message: 'topics created but without a leader in time' },
  WABUS_KAFKA_GROUP_LIVE: { message: 'the consumer group has live members: stop them first' },
  WABUS_KAFKA_OFFSETS_NOT_SET: { message: "could not commit the group's offsets" },
  /** The mark would not fit in a committed offset's metadata (Kafka's `offset.metadata.max.bytes`). */
  WABUS_REPLAY_MARK_TOO_LARGE: { message: "the replay mark is over Kafka's offset metadata limit: pass fewer keys" },
} as const;

export type KafkaErrorCode = keyof typeof KAFKA_ERRORS;

export class KafkaError extends defineErrors('KafkaError', KAFKA_ERRORS) {}
