import type { WhatsAppEvent } from '@wabus/events';
import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver and node:http as they are first required, so everything
// else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) nothing starts.
const name = 'status-tracker';
const telemetry = startTelemetry({ serviceName: name });

const { pino } = await import('pino');
const { createConsumerMetrics, loadConsumerConfig, startConsumerService, stopOnSignals } = await import('@wabus/consumer-service');
const { traceLogFields } = await import('@wabus/telemetry');
const { createStatusHandler } = await import('./status-handler.ts');
const { statusRoutes } = await import('./status-routes.ts');

// Composition root: the only module that reads the environment and builds clients.
const config = loadConsumerConfig(name, 8082, 'STATUS_TRACKER_PORT');
const logger = pino({ name, level: config.logLevel, mixin: traceLogFields });
logger.info({ tracing: telemetry.detail }, 'tracing');
const { registry, observer } = createConsumerMetrics(name, { defaultMetrics: true });

const service = await startConsumerService<WhatsAppEvent>({
  name,
  config,
  logger,
  handler: createStatusHandler,
  routes: statusRoutes,
  registry,
  observer,
});
stopOnSignals(service, logger, { flush: telemetry.shutdown });
