export { consumerSchema, loadConsumerConfig } from './consumer-config.ts';
export type { ConsumerConfig, ConsumerFacts } from './consumer-config.ts';
export { consumerDefinition } from './consumer-definition.ts';
export { createConsumerMetrics } from './consumer-metrics.ts';
export { startConsumerService } from './start-consumer-service.ts';
export type { AdditionalConsumer, ConsumerService, ConsumerServiceOptions, ServiceHandler } from './start-consumer-service.ts';
export { groupBy, settleLimited } from './settle-limited.ts';
