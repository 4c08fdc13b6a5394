import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { contactRoutes } from './contact-routes.ts';
import { authOf, type CrmConfig } from './crm-config.ts';
import { createCrmHandler } from './crm-handler.ts';
import { createCrmHttp } from './crm-http.ts';
import type { CrmAdapter } from './crm-adapter.ts';
import { environmentTenants, watchTenantsFile, type Tenants } from '@wabus/tenants';
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
export async function startCrmSync(o: {
  consumer: ConsumerConfig;
  crm: CrmConfig;
  logger: Logger;
  defaultMetrics?: boolean;
  backoff?: BackoffOptions;
}): Promise<CrmSyncService> {
  const { crm } = o;
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const observer = createCrmMetrics(metrics.registry);
  const log = o.logger.child({ component: 'crm' });
  // One CRM client per target: crm-sync's own, and a tenant's (its URL and token; the other settings are crm-sync's).
  const adapterFor = (baseUrl: string, authToken: string, tenant?: string): CrmAdapter =>
    createRestCrmAdapter({
      http: createCrmHttp({
        baseUrl,
        auth: authOf({ ...crm, authToken }),
        signingSecret: crm.signingSecret === '' ? null : crm.signingSecret,
        timeoutMs: crm.timeoutMs,
        ...(o.backoff ? { backoff: o.backoff } : {}),
        onRetry: (info) => log.warn(tenant === undefined ? info : { ...info, tenant }, 'CRM request failed; retrying'),
        observer,
      }),
      batch: crm.batch,
      batchSize: crm.batchSize,
      concurrency: crm.concurrency,
      retryBudgetMs: crm.retryBudgetMs,
      observer,
    });
  const adapter = adapterFor(crm.baseUrl, crm.authToken);
  const targetsOf = (tenants: Tenants) => {
    const own = new Map(tenants.list.flatMap((t) => (t.crm === null ? [] : [[t.id, adapterFor(t.crm.baseUrl, t.crm.authToken ?? '', t.id)] as const])));
    return { tenants, adapterOf: (tenantId: string) => own.get(tenantId) ?? adapter };
  };
  // The tenants file in force, reloaded on SIGHUP (a bad file is reported and the running one stays).
  const watch =
    crm.tenantsFile === ''
      ? null
      : watchTenantsFile(crm.tenantsFile, {
          onReload: (t) => {
            targets = targetsOf(t);
            log.info({ tenants: t.list.map((x) => x.id) }, 'tenants file reloaded');
          },
          onError: (err) => log.error({ err, code: 'WABUS_TENANTS_INVALID' }, 'tenants file NOT reloaded: the running configuration stays'),
        });
  let targets = targetsOf(watch?.current() ?? environmentTenants());
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
    handler: createCrmHandler({
      adapterOf: (t) => targets.adapterOf(t),
      tenants: () => targets.tenants,
      log,
      allowReplay: crm.allowReplay,
      leaseMs: crm.leaseMs,
      leaseWaitMs: crm.leaseWaitMs,
      retryBudgetMs: crm.retryBudgetMs,
    }),
    routes: contactRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
  });
  return {
    ...service,
    metrics,
    stop: async () => {
      watch?.stop();
      await service.stop();
    },
  };
}
