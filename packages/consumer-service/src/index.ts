export { consumerSchema, loadConsumerConfig } from './consumer-config.ts';
export type { ConsumerConfig } from './consumer-config.ts';
export { createConsumerMetrics } from './consumer-metrics.ts';
export { startConsumerService, stopOnSignals } from './start-consumer-service.ts';
export type { ConsumerService, ConsumerServiceOptions, ServiceHandler } from './start-consumer-service.ts';
export { configOrExit, exitOnStartFailure, serviceLogger } from './service-main.ts';
