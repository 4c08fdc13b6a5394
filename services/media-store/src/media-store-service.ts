import { loadConsumerConfig, type ConsumerConfig } from '@wabus/consumer-service';
import type { ServiceDefinition } from '@wabus/service/main';
import { loadMediaConfig, type MediaConfig } from './media-config.ts';
import { startMediaStore } from './start-media-store.ts';

/** media-store for the chassis: the shared consumer configuration and its own (object store, Graph API, tenants). */
export const mediaStoreService: ServiceDefinition<{ consumer: ConsumerConfig; config: MediaConfig }> = {
  config: (facts, env) => ({ consumer: loadConsumerConfig(facts, env), config: loadMediaConfig(env) }),
  logLevel: (c) => c.consumer.logLevel,
  stopping: 'finishing the batch in hand and the downloads in flight, committing, leaving the group',
  start: ({ config, logger }) => startMediaStore({ ...config, logger, defaultMetrics: true }),
};
