import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver, fetch (the Graph API calls) and node:http as they are first
// required, so everything else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_TRACES_EXPORTER) nothing starts. The access token travels in a header, which no span records.
const telemetry = startTelemetry({ serviceName: 'auto-reply' });

const { configOrExit, exitOnStartFailure, serviceLogger, stopOnSignals } = await import('@wabus/consumer-service');
const { loadAutoReplyEnv, SERVICE_NAME, startAutoReply } = await import('./start-auto-reply.ts');

// Composition root: the only module that reads the environment and builds clients. The access token is never
// logged (and redacted, should a configuration object ever be logged whole).
const env = configOrExit(SERVICE_NAME, () => loadAutoReplyEnv(process.env));
const logger = serviceLogger(SERVICE_NAME, env.consumer.logLevel);
logger.info({ tracing: telemetry.detail }, 'tracing');
// Rules and tenants errors list every problem in the message; nothing here carries the token.
const service = await startAutoReply({ ...env, logger, defaultMetrics: true }).catch((err: unknown) => exitOnStartFailure(logger, err, telemetry.shutdown));
stopOnSignals(service, logger, { flush: telemetry.shutdown });
