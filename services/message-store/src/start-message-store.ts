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
      const log = opts.logger.child({ component: 'identity' });
      return createMessageStoreHandler(collections, {
        onRefusedLinks: (refused) =>
          log.warn(
            { code: 'WABUS_IDENTITY_TOO_MANY_ALIASES', bodies: refused.length, scopes: [...new Set(refused.map((r) => r.scope))] },
            'links refused: they would make one person of more than 64 aliases (each message is still stored, under its own identifier)',
          ),
      });
    },
    routes: readRoutes,
    registry,
    observer,
  });
}
