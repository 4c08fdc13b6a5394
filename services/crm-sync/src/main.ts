import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver and node:http/fetch as they are first loaded, so everything
// else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) nothing starts.
const telemetry = startTelemetry({ serviceName: 'crm-sync' });

const { pino } = await import('pino');
const { createConsumerMetrics, loadConsumerConfig, startConsumerService, stopOnSignals } = await import('@wabus/consumer-service');
const { traceLogFields } = await import('@wabus/telemetry');
const { contactRoutes } = await import('./contact-routes.ts');
const { authOf, loadCrmConfig } = await import('./crm-config.ts');
const { createCrmHandler } = await import('./crm-handler.ts');
const { createCrmHttp } = await import('./crm-http.ts');
const { createRestCrmAdapter } = await import('./rest-crm-adapter.ts');
type WhatsAppEvent = import('@wabus/events').WhatsAppEvent;

// Composition root: the only module that reads the environment and builds clients.
const name = 'crm-sync';
const config = loadConsumerConfig(name, 8084, 'CRM_SYNC_PORT');
const crm = loadCrmConfig();
const logger = pino({ name, level: config.logLevel, mixin: traceLogFields });
logger.info({ tracing: telemetry.detail }, 'tracing');
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
stopOnSignals(service, logger, { flush: telemetry.shutdown });
