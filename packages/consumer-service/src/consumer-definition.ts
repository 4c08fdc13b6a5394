import type { Logger } from 'pino';
import type { ServiceDefinition } from '@wabus/service/main';
import { loadConsumerConfig, type ConsumerConfig } from './consumer-config.ts';

/**
 * A consumer service for the chassis (`runService` of `@wabus/service/main`) from its start function: the shared
 * consumer configuration, its log level, and a stop that finishes the batch in hand, commits and leaves the group.
 */
export function consumerDefinition(
  start: (opts: { config: ConsumerConfig; logger: Logger; defaultMetrics: boolean }) => Promise<{ stop(): Promise<void> }>,
): ServiceDefinition<ConsumerConfig> {
  return {
    config: (facts, env) => loadConsumerConfig(facts, env),
    logLevel: (config) => config.logLevel,
    stopping: 'finishing the batch in hand, committing, leaving the group',
    start: ({ config, logger }) => start({ config, logger, defaultMetrics: true }),
  };
}
