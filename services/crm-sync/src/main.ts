import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver and node:http/fetch as they are first loaded, so everything
// else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) nothing starts.
const telemetry = startTelemetry({ serviceName: 'crm-sync' });

const { pino } = await import('pino');
const { loadConsumerConfig, stopOnSignals } = await import('@wabus/consumer-service');
const { traceLogFields } = await import('@wabus/telemetry');
const { loadCrmConfig } = await import('./crm-config.ts');
const { SERVICE_NAME, startCrmSync } = await import('./start-crm-sync.ts');

// Composition root: the only module that reads the environment and builds clients.
const config = loadConsumerConfig(SERVICE_NAME, 8084, 'CRM_SYNC_PORT');
const crm = loadCrmConfig();
const logger = pino({ name: SERVICE_NAME, level: config.logLevel, mixin: traceLogFields });
logger.info({ tracing: telemetry.detail }, 'tracing');
const service = await startCrmSync({ consumer: config, crm, logger, defaultMetrics: true });
stopOnSignals(service, logger, { flush: telemetry.shutdown });
