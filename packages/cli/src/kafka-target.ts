import { createKafka, parseBrokers } from '@wabus/kafka';

/** The cluster the CLI talks to: KAFKA_BROKERS, else the local dev broker that `wabus infra up` starts. */
export function cliKafka(clientId = 'wabus-cli') {
  const brokers = parseBrokers(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
  return { brokers, kafka: createKafka({ brokers, clientId, connectionTimeoutMs: 3_000, requestTimeoutMs: 15_000 }) };
}
