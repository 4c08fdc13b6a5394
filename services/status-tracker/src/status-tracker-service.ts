import { loadConsumerConfig, type ConsumerConfig } from '@wabus/consumer-service';
import type { ServiceDefinition } from '@wabus/service/main';
import { startStatusTracker } from './start-status-tracker.ts';
import { loadStatusTrackerConfig, type StatusTrackerConfig } from './status-tracker-config.ts';

/** status-tracker for the chassis: the shared consumer configuration and its own (the sends topic). */
export const statusTrackerService: ServiceDefinition<{ consumer: ConsumerConfig; tracker: StatusTrackerConfig }> = {
  config: (facts, env) => ({ consumer: loadConsumerConfig(facts, env), tracker: loadStatusTrackerConfig(env) }),
  logLevel: (c) => c.consumer.logLevel,
  stopping: 'finishing the batches in hand, committing, leaving the groups',
  start: ({ config, logger }) => startStatusTracker({ config: config.consumer, sendsTopic: config.tracker.sendsTopic, logger, defaultMetrics: true }),
};
