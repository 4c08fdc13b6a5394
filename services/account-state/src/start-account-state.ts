import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { createAccountHandler } from './account-handler.ts';
import { accountCollections } from './account-indexes.ts';
import { createAccountMetrics } from './account-metrics.ts';
import { accountRoutes } from './account-routes.ts';

export const SERVICE_NAME = 'account-state';

export interface AccountStateService extends ConsumerService {
  metrics: ReturnType<typeof createConsumerMetrics>;
}

/** The whole service from a configuration: indexes, the consumer, the read API and the metrics. main.ts and the tests start it through here. */
export async function startAccountState(o: { config: ConsumerConfig; logger: Logger; defaultMetrics?: boolean }): Promise<AccountStateService> {
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: o.config,
    logger: o.logger,
    handler: createAccountHandler,
    routes: accountRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
  });
  createAccountMetrics(metrics.registry, accountCollections(service.db));
  return { ...service, metrics };
}
