import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import type { AutoReplyConfig } from './auto-reply-config.ts';
import { createAutoReplyHandler } from './auto-reply-handler.ts';
import { createAutoReplyMetrics } from './auto-reply-metrics.ts';
import { outboxRoutes } from './outbox-routes.ts';
import { loadTenants } from '@wabus/tenants';
import { loadTenantPolicies, type TenantPolicies } from './tenant-policies.ts';
import { createSendParts } from '@wabus/graph-send';

export const SERVICE_NAME = 'auto-reply';

export interface AutoReplyService extends ConsumerService {
  config: AutoReplyConfig;
  metrics: ReturnType<typeof createConsumerMetrics>;
}

/**
 * Builds auto-reply from its configuration: rules file, Graph API client, rate limiters, and the consumer service
 * with the outbox read API. main.ts and the tests both start it through here.
 */
export async function startAutoReply(o: {
  consumer: ConsumerConfig;
  config: AutoReplyConfig;
  logger: Logger;
  now?: () => number;
  defaultMetrics?: boolean;
}): Promise<AutoReplyService> {
  const { consumer, config } = o;
  const settings = { rulesFile: config.rulesFile, accessToken: config.accessToken, maxAgeSeconds: config.maxAgeSeconds, allowReplay: config.allowReplay };
  let policies: TenantPolicies = await loadTenantPolicies(loadTenants(config.tenantsFile), settings);
  const now = o.now ?? Date.now;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const metrics = createConsumerMetrics(SERVICE_NAME, { defaultMetrics: o.defaultMetrics ?? false });
  const observer = createAutoReplyMetrics(metrics.registry);
  const log = o.logger.child({ component: 'auto-reply' });
  // This process's id in the outbox entries it decides and claims (`owner`): with several instances, which one it was.
  const owner = randomUUID();
  log.info(
    { owner, tenants: policies.tenants.list.map((t) => t.id), rulesFile: config.rulesFile, graph: config.graphBaseUrl, apiVersion: config.apiVersion },
    'rules loaded',
  );
  // SIGHUP: the tenants file and every rules file read again; the new policies replace the old whole, or not at all.
  const reload = () => {
    Promise.resolve()
      .then(async () => loadTenantPolicies(loadTenants(config.tenantsFile), settings))
      .then(
        (p) => {
          policies = p;
          log.info({ tenants: p.tenants.list.map((t) => t.id) }, 'tenants and rules reloaded');
        },
        (err: unknown) => log.error({ err, code: (err as { code?: string }).code }, 'tenants or rules NOT reloaded: the running ones stay'),
      );
  };
  process.on('SIGHUP', reload);

  const service = await startConsumerService<WhatsAppEvent>({
    name: SERVICE_NAME,
    config: consumer,
    logger: o.logger,
    handler: (db) =>
      createAutoReplyHandler(db, {
        policies: () => policies,
        maxAgeSeconds: config.maxAgeSeconds,
        apiVersion: config.apiVersion,
        // The Graph client and the limiters; each wait is counted as decided, then slept.
        ...createSendParts(config, { now, sleep, observer }),
        concurrency: config.concurrency,
        owner,
        now,
        sleep,
        log,
        observer,
      }),
    routes: outboxRoutes,
    registry: metrics.registry,
    observer: metrics.observer,
  });
  return {
    ...service,
    config,
    metrics,
    stop: async () => {
      process.off('SIGHUP', reload);
      await service.stop();
    },
  };
}
