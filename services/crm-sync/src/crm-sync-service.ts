import { loadConsumerConfig, type ConsumerConfig } from '@wabus/consumer-service';
import type { ServiceDefinition } from '@wabus/service/main';
import { loadCrmConfig, type CrmConfig } from './crm-config.ts';
import { startCrmSync } from './start-crm-sync.ts';

/** crm-sync for the chassis: the shared consumer configuration and the CRM's. */
export const crmSyncService: ServiceDefinition<{ consumer: ConsumerConfig; crm: CrmConfig }> = {
  config: (facts, env) => ({ consumer: loadConsumerConfig(facts, env), crm: loadCrmConfig(env) }),
  logLevel: (c) => c.consumer.logLevel,
  stopping: 'finishing the batch in hand, committing, leaving the group',
  start: ({ config, logger }) => startCrmSync({ ...config, logger, defaultMetrics: true }),
};
