import kafkajs, { type Kafka, type Producer } from 'kafkajs';

const { Partitioners } = kafkajs;

/**
 * The one producer configuration wabus writes with: idempotent, acks=all, one request in flight (concurrent
 * in-flight requests with idempotence have open ordering/loss reports in kafkajs: #598, #1005), and the
 * Java-compatible murmur2 partitioner so keys land where every other Kafka client would put them.
 */
export function createIdempotentProducer(kafka: Kafka, opts: { retries?: number } = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: opts.retries ?? 5 },
  });
}
