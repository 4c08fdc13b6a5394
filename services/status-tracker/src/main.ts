import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver and node:http as they are first required, so everything
// else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) nothing starts.
const telemetry = startTelemetry({ serviceName: 'status-tracker' });

const { configOrExit, exitOnStartFailure, loadConsumerConfig, serviceLogger, stopOnSignals } = await import('@wabus/consumer-service');
const { SERVICE_NAME, startStatusTracker } = await import('./start-status-tracker.ts');

// Composition root: the only module that reads the environment and builds clients.
const config = configOrExit(SERVICE_NAME, () => loadConsumerConfig(SERVICE_NAME, 8082, 'STATUS_TRACKER_PORT'));
const logger = serviceLogger(SERVICE_NAME, config.logLevel);
logger.info({ tracing: telemetry.detail }, 'tracing');
const service = await startStatusTracker({ config, logger, defaultMetrics: true }).catch((err: unknown) => exitOnStartFailure(logger, err, telemetry.shutdown));
stopOnSignals(service, logger, { flush: telemetry.shutdown });
