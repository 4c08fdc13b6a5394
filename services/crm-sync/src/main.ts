import { pino } from 'pino';
import { createConsumerMetrics, loadConsumerConfig, startConsumerService, stopOnSignals } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { contactRoutes } from './contact-routes.ts';
import { authOf, loadCrmConfig } from './crm-config.ts';
import { createCrmHandler } from './crm-handler.ts';
import { createCrmHttp } from './crm-http.ts';
import { createRestCrmAdapter } from './rest-crm-adapter.ts';

// Composition root: the only module that reads the environment and builds clients.
const name = 'crm-sync';
const config = loadConsumerConfig(name, 8084, 'CRM_SYNC_PORT');
const crm = loadCrmConfig();
const logger = pino({ name, level: config.logLevel });
const { registry, observer } = createConsumerMetrics(name, { defaultMetrics: true });

const crmLog = logger.child({ component: 'crm' });
const http = createCrmHttp({
  baseUrl: crm.baseUrl,
  auth: authOf(crm),
  signingSecret: crm.signingSecret === '' ? null : crm.signingSecret,
  timeoutMs: crm.timeoutMs,
  onRetry: (info) => crmLog.warn(info, 'CRM request failed; retrying'),
});
const adapter = createRestCrmAdapter({ http, batch: crm.batch, batchSize: crm.batchSize, concurrency: crm.concurrency, retryBudgetMs: crm.retryBudgetMs });
// The URL and switches only: the token and the signing secret are never logged.
crmLog.info({ baseUrl: crm.baseUrl, batch: crm.batch, signed: crm.signingSecret !== '', authenticated: crm.authToken !== '', allowReplay: crm.allowReplay }, 'CRM adapter ready');

const service = await startConsumerService<WhatsAppEvent>({
  name,
  config,
  logger,
  handler: createCrmHandler({ adapter, allowReplay: crm.allowReplay, leaseMs: crm.leaseMs, leaseWaitMs: crm.leaseWaitMs, retryBudgetMs: crm.retryBudgetMs }),
  routes: contactRoutes,
  registry,
  observer,
});
stopOnSignals(service, logger);
