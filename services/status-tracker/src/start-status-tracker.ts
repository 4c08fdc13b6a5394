import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { createStatusHandler } from './status-handler.ts';
import { createStatusMetrics } from './status-metrics.ts';
import { statusRoutes } from './status-routes.ts';

export const SERVICE_NAME = 'status-tracker';

export interface StatusTrackerService extends ConsumerService {
  metrics: ReturnType<typeof createConsumerMetrics>;
}

/** The whole service from a configuration: indexes, the consumer, the read API and the metrics. main.ts and the tests start it through here. */
export async function startStatusTracker(o: { config: ConsumerConfig; logger: Logger; defaultMetrics?: boolean }): Promise<StatusTrackerService> {
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const observer = createStatusMetrics(metrics.registry);
  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: o.config,
    logger: o.logger,
    handler: (db) => createStatusHandler(db, observer),
    routes: statusRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
  });
  return { ...service, metrics };
}
