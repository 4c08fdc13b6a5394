import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver and node:http/fetch as they are first loaded, so everything
// else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) nothing starts.
const telemetry = startTelemetry({ serviceName: 'crm-sync' });

const { configOrExit, exitOnStartFailure, loadConsumerConfig, serviceLogger, stopOnSignals } = await import('@wabus/consumer-service');
const { loadCrmConfig } = await import('./crm-config.ts');
const { SERVICE_NAME, startCrmSync } = await import('./start-crm-sync.ts');

// Composition root: the only module that reads the environment and builds clients. The CRM token and signing
// secret are never logged (and redacted, should a configuration object ever be logged whole).
const config = configOrExit(SERVICE_NAME, () => loadConsumerConfig(SERVICE_NAME, 8084, 'CRM_SYNC_PORT'));
const crm = configOrExit(SERVICE_NAME, () => loadCrmConfig());
const logger = serviceLogger(SERVICE_NAME, config.logLevel);
logger.info({ tracing: telemetry.detail }, 'tracing');
const service = await startCrmSync({ consumer: config, crm, logger, defaultMetrics: true }).catch((err: unknown) => exitOnStartFailure(logger, err, telemetry.shutdown));
stopOnSignals(service, logger, { flush: telemetry.shutdown });
