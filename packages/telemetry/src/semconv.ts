/**
 * Span attribute names wabus sets by hand: the OpenTelemetry messaging conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/) plus our own `wabus.*`. Kept here, not taken from
 * `@opentelemetry/semantic-conventions`, because the messaging ones are still "incubating" there and move.
 */
export const ATTR = {
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingBatchCount: 'messaging.batch.message_count',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  /** The Kafka-specific name (newer conventions: `messaging.destination.partition.id`, a string). */
  kafkaPartition: 'messaging.kafka.destination.partition',
  kafkaOffset: 'messaging.kafka.offset',
  /** Always through `spanMessageKey`: the customer's number masked. */
  kafkaMessageKey: 'messaging.kafka.message.key',
  httpRoute: 'http.route',
  errorType: 'error.type',
  eventId: 'wabus.event_id',
  deliveryId: 'wabus.delivery_id',
  eventKind: 'wabus.event_kind',
  items: 'wabus.items',
  outcome: 'wabus.outcome',
  firstOffset: 'wabus.batch.first_offset',
  lastOffset: 'wabus.batch.last_offset',
} as const;

/** `messaging.operation.type` values. (Conventions ≥ 1.28 call `publish` `send`; dashboards here query `publish`.) */
export const OPERATION = { publish: 'publish', process: 'process' } as const;

export const KAFKA = 'kafka';
