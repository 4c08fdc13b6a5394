import { defineErrors } from '@wabus/errors';

/** Stable error codes of `@wabus/kafka` (producer, topics, group offsets, replay marks); none has an HTTP status. */
export const KAFKA_ERRORS = {
  WABUS_KAFKA_PRODUCE_TIMEOUT: { message: 'not acknowledged by Kafka in time' },
  WABUS_KAFKA_PRODUCE_FAILED: { message: 'produce failed' },
  /**
   * Permanent: a record or batch larger than its topic takes (its `max.message.bytes` or `segment.bytes`), found
   * before sending or answered by the broker (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE). `details.topics` names them.
   */
  WABUS_KAFKA_RECORD_TOO_LARGE: { message: 'a record is larger than its topic takes' },
  /** Permanent: the broker refused the records as they are (INVALID_RECORD, CORRUPT_MESSAGE, INVALID_TIMESTAMP, …). */
  WABUS_KAFKA_RECORD_INVALID: { message: 'the broker refused the records as invalid' },
  /** This client may not write there (TOPIC_/CLUSTER_AUTHORIZATION_FAILED, SASL): refused until the grant is fixed. */
  WABUS_KAFKA_NOT_AUTHORIZED: { message: 'not authorized to produce' },
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

/** Codes of a send the broker will refuse again as it is: retrying the same records is a loop (docs/limits.md). */
export const REFUSED_AS_SENT: ReadonlySet<KafkaErrorCode> = new Set(['WABUS_KAFKA_RECORD_TOO_LARGE', 'WABUS_KAFKA_RECORD_INVALID']);

/** The topics a refusal (RECORD_TOO_LARGE, RECORD_INVALID, NOT_AUTHORIZED) names; empty for any other error. */
export function refusedTopics(err: unknown): string[] {
  if (!KafkaError.is(err)) return [];
  const topics = err.details?.['topics'];
  return Array.isArray(topics) ? topics.filter((t): t is string => typeof t === 'string') : [];
}
