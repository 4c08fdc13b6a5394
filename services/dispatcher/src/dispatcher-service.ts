import { loadConsumerConfig, type ConsumerConfig } from '@wabus/consumer-service';
import type { ServiceDefinition } from '@wabus/service/main';
import { loadDispatcherConfig, type DispatcherConfig } from './dispatcher-config.ts';
import { startDispatcher } from './start-dispatcher.ts';

/** The dispatcher for the chassis: the shared consumer configuration and its own. */
export const dispatcherService: ServiceDefinition<{ consumer: ConsumerConfig; dispatcher: DispatcherConfig }> = {
  config: (facts, env) => ({ consumer: loadConsumerConfig(facts, env), dispatcher: loadDispatcherConfig(env) }),
  logLevel: (c) => c.consumer.logLevel,
  stopping: 'finishing the batch in hand, committing, leaving the group, finishing attempts in flight',
  start: ({ config, logger }) => startDispatcher({ ...config, logger, defaultMetrics: true }),
};
