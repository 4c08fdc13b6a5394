import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { contactRoutes } from './contact-routes.ts';
import { authOf, type CrmConfig } from './crm-config.ts';
import { createCrmHandler } from './crm-handler.ts';
import { createCrmHttp, type CrmHttp } from './crm-http.ts';
import type { CrmAdapter } from './crm-adapter.ts';
import { environmentTenants, loadTenantsFile, type Tenants } from '@wabus/tenants';
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
  const adapterFor = (h: CrmHttp) => createRestCrmAdapter({ http: h, batch: crm.batch, batchSize: crm.batchSize, concurrency: crm.concurrency, retryBudgetMs: crm.retryBudgetMs, observer });
  const adapter = adapterFor(http);
  // A tenant with a CRM of its own gets its own client (its URL and token; the other settings are crm-sync's).
  const targetsOf = (tenants: Tenants) => {
    const own = new Map<string, CrmAdapter>();
    for (const t of tenants.list) {
      if (t.crm === null) continue;
      const auth = t.crm.authToken === null ? null : authOf({ ...crm, authToken: t.crm.authToken });
      own.set(t.id, adapterFor(createCrmHttp({ baseUrl: t.crm.baseUrl, auth, signingSecret: crm.signingSecret === '' ? null : crm.signingSecret, timeoutMs: crm.timeoutMs, ...(o.backoff ? { backoff: o.backoff } : {}), onRetry: (info) => log.warn({ ...info, tenant: t.id }, 'CRM request failed; retrying'), observer })));
    }
    return { tenants, adapterOf: (tenantId: string) => own.get(tenantId) ?? adapter };
  };
  let targets = targetsOf(crm.tenantsFile === '' ? environmentTenants() : loadTenantsFile(crm.tenantsFile));
  const reload = () => {
    try {
      targets = targetsOf(loadTenantsFile(crm.tenantsFile));
      log.info({ tenants: targets.tenants.list.map((t) => t.id) }, 'tenants file reloaded');
    } catch (err) {
      log.error({ err, code: 'WABUS_TENANTS_INVALID' }, 'tenants file NOT reloaded: the running configuration stays');
    }
  };
  if (crm.tenantsFile !== '') process.on('SIGHUP', reload);
  // The URL and switches only: the token and the signing secret are never logged.
  log.info(
    {
      baseUrl: crm.baseUrl,
      batch: crm.batch,
      signed: crm.signingSecret !== '',
      authenticated: crm.authToken !== '',
      allowReplay: crm.allowReplay,
      tenants: targets.tenants.list.map((t) => ({ id: t.id, crm: t.crm?.baseUrl ?? 'default' })),
    },
    'CRM adapter ready',
  );
  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: o.consumer,
    logger: o.logger,
    handler: createCrmHandler({ adapterOf: (t) => targets.adapterOf(t), tenants: () => targets.tenants, log, allowReplay: crm.allowReplay, leaseMs: crm.leaseMs, leaseWaitMs: crm.leaseWaitMs, retryBudgetMs: crm.retryBudgetMs }),
    routes: contactRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
  });
  return {
    ...service,
    metrics,
    stop: async () => {
      process.off('SIGHUP', reload);
      await service.stop();
    },
  };
}
