import type { Logger } from 'pino';
import type { Collection } from 'mongodb';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { loadTenants, tenantOfEvent, watchTenantsFile, type Tenants } from '@wabus/tenants';
import { createObjectStore } from './create-object-store.ts';
import { createGraphMedia } from './graph-media.ts';
import type { MediaConfig } from './media-config.ts';
import { mediaOf } from './media-collection.ts';
import type { MediaDocument } from './media-document.ts';
import { createMediaMetrics } from './media-metrics.ts';
import { createMediaHandler } from './media-store-handler.ts';
import { mediaRoutes } from './media-routes.ts';
import type { ObjectStore } from './object-store.ts';

export const SERVICE_NAME = 'media-store';

export interface MediaStoreService extends ConsumerService {
  config: MediaConfig;
  store: ObjectStore;
  metrics: ReturnType<typeof createConsumerMetrics>;
}

/**
 * Builds media-store from its configuration: the object store (swept of leftovers), the Graph media client with the
 * tenants' tokens, and the consumer service with the media read API. main.ts and the tests start it through here.
 */
export async function startMediaStore(o: {
  consumer: ConsumerConfig;
  config: MediaConfig;
  logger: Logger;
  now?: () => number;
  defaultMetrics?: boolean;
}): Promise<MediaStoreService> {
  const { consumer, config } = o;
  const now = o.now ?? Date.now;
  const log = o.logger.child({ component: 'media-store' });
  const store = await createObjectStore(config);
  const swept = await store.sweep(config.sweepAfterMs);
  if (swept > 0) log.info({ swept }, 'removed leftovers of interrupted writes');
  const tenantsFile =
    config.tenantsFile === '' ? null : watchTenantsFile(config.tenantsFile, { onError: (err) => log.error({ err }, 'tenants file NOT reloaded') });
  const environment = loadTenants('');
  const tenants = (): Tenants => tenantsFile?.current() ?? environment;
  const tokenOf = (doc: MediaDocument): string | null => {
    const t = tenants();
    const token = t.byId(tenantOfEvent(t, doc))?.graphAccessToken ?? config.accessToken;
    return token === '' ? null : token;
  };
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  let collection: Collection<MediaDocument> | null = null;
  const observer = createMediaMetrics(metrics.registry, () => collection, now);
  log.info(
    { backend: store.backend, graph: config.graphBaseUrl, apiVersion: config.apiVersion, tenants: config.tenantsFile || 'environment' },
    'media store ready',
  );

  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: consumer,
    logger: o.logger,
    handler: (db) => {
      collection = mediaOf(db);
      return createMediaHandler(db, {
        concurrency: config.concurrency,
        log,
        fetch: {
          graph: createGraphMedia({ baseUrl: config.graphBaseUrl, apiVersion: config.apiVersion, timeoutMs: config.timeoutMs }),
          store,
          policy: {
            maxAttempts: config.maxAttempts,
            initialDelayMs: config.retryInitialMs,
            maxDelayMs: config.retryMaxMs,
            urlTtlMs: config.urlTtlMs,
            windowMs: config.windowMs,
          },
          maxBytes: config.maxBytes,
          tokenOf,
          now,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          jitter: Math.random,
          observer,
        },
      });
    },
    routes: mediaRoutes(store),
    registry: metrics.registry,
    observer: metrics.observer,
  });
  return {
    ...service,
    config,
    store,
    metrics,
    stop: async () => {
      tenantsFile?.stop();
      await service.stop();
      await store.close();
    },
  };
}
