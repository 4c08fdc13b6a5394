import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { ensureIndexes, messageStoreCollections } from './collections.ts';
import { createMessageStoreHandler } from './message-store-handler.ts';
import { readRoutes } from './read-routes.ts';

export const SERVICE_NAME = 'message-store';

/** The whole service from a configuration: indexes first, then the consumer and the read API. */
export async function startMessageStore(opts: { config: ConsumerConfig; logger: Logger; defaultMetrics?: boolean }): Promise<ConsumerService> {
  const { registry, observer } = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: opts.defaultMetrics ?? false });
  return startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: opts.config,
    logger: opts.logger,
    handler: async (db) => {
      const collections = messageStoreCollections(db);
      await ensureIndexes(collections);
      return createMessageStoreHandler(collections);
    },
    routes: readRoutes,
    registry,
    observer,
  });
}
