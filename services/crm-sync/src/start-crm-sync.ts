import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { contactRoutes } from './contact-routes.ts';
import { authOf, type CrmConfig } from './crm-config.ts';
import { createCrmHandler } from './crm-handler.ts';
import { createCrmHttp } from './crm-http.ts';
import { createCrmMetrics } from './crm-metrics.ts';
import type { BackoffOptions } from './http-retry.ts';
import { createRestCrmAdapter } from './rest-crm-adapter.ts';

export const SERVICE_NAME = 'crm-sync';

export interface CrmSyncService extends ConsumerService {
  metrics: ReturnType<typeof createConsumerMetrics>;
}

/**
 * Builds crm-sync from its configuration: the CRM client and adapter, the handler, the consumer service with the
 * contacts API, and the metrics. main.ts and the tests both start it through here (tests with a shorter backoff).
 */
export async function startCrmSync(o: { consumer: ConsumerConfig; crm: CrmConfig; logger: Logger; defaultMetrics?: boolean; backoff?: BackoffOptions }): Promise<CrmSyncService> {
  const { crm } = o;
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const observer = createCrmMetrics(metrics.registry);
  const log = o.logger.child({ component: 'crm' });
  const http = createCrmHttp({
    baseUrl: crm.baseUrl,
    auth: authOf(crm),
    signingSecret: crm.signingSecret === '' ? null : crm.signingSecret,
    timeoutMs: crm.timeoutMs,
    ...(o.backoff ? { backoff: o.backoff } : {}),
    onRetry: (info) => log.warn(info, 'CRM request failed; retrying'),
    observer,
  });
  const adapter = createRestCrmAdapter({ http, batch: crm.batch, batchSize: crm.batchSize, concurrency: crm.concurrency, retryBudgetMs: crm.retryBudgetMs, observer });
  // The URL and switches only: the token and the signing secret are never logged.
  log.info({ baseUrl: crm.baseUrl, batch: crm.batch, signed: crm.signingSecret !== '', authenticated: crm.authToken !== '', allowReplay: crm.allowReplay }, 'CRM adapter ready');
  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: o.consumer,
    logger: o.logger,
    handler: createCrmHandler({ adapter, allowReplay: crm.allowReplay, leaseMs: crm.leaseMs, leaseWaitMs: crm.leaseWaitMs, retryBudgetMs: crm.retryBudgetMs }),
    routes: contactRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
  });
  return { ...service, metrics };
}
