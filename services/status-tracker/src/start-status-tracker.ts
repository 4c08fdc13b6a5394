import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { ReadSendEvent, WhatsAppEvent } from '@wabus/events';
import { createSendsHandler } from './sends-handler.ts';
import { SENDS_CONSUMER } from './status-tracker-config.ts';
import { createStatusHandler } from './status-handler.ts';
import { createStatusMetrics } from './status-metrics.ts';
import { statusRoutes } from './status-routes.ts';

export const SERVICE_NAME = 'status-tracker';

export interface StatusTrackerService extends ConsumerService {
  metrics: ReturnType<typeof createConsumerMetrics>;
}

/**
 * The whole service from a configuration: indexes, the events consumer, the sends consumer (unless `sendsTopic` is
 * empty), the read API and the metrics. main.ts and the tests start it through here.
 */
export async function startStatusTracker(o: {
  config: ConsumerConfig;
  sendsTopic: string;
  logger: Logger;
  defaultMetrics?: boolean;
}): Promise<StatusTrackerService> {
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const observer = createStatusMetrics(metrics.registry);
  const service = await startConsumerService<WhatsAppEvent, ReadSendEvent>({
    name: SERVICE_NAME,
    config: o.config,
    logger: o.logger,
    handler: (db) => createStatusHandler(db, observer),
    routes: statusRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
    ...(o.sendsTopic === ''
      ? {}
      : {
          additional: {
            name: SENDS_CONSUMER,
            topic: o.sendsTopic,
            handler: (db) => createSendsHandler(db, { observer }),
            kindOf: (r: ReadSendEvent) => (r.ok ? 'send' : 'malformed_send'),
          },
        }),
  });
  return { ...service, metrics };
}
