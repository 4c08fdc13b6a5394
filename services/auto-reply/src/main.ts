import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first: the SDK instruments the MongoDB driver, fetch (the Graph API calls) and node:http as they are first
// required, so everything else is imported after it has started. Without OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_TRACES_EXPORTER) nothing starts. The access token travels in a header, which no span records.
const telemetry = startTelemetry({ serviceName: 'auto-reply' });

const { pino } = await import('pino');
const { stopOnSignals } = await import('@wabus/consumer-service');
const { traceLogFields } = await import('@wabus/telemetry');
const { loadAutoReplyEnv, SERVICE_NAME, startAutoReply } = await import('./start-auto-reply.ts');

// Composition root: the only module that reads the environment and builds clients. The access token is never
// logged (and redacted, should a configuration object ever be logged whole).
let env: ReturnType<typeof loadAutoReplyEnv>;
try {
  env = loadAutoReplyEnv(process.env);
} catch (err) {
  process.stderr.write(`auto-reply: ${(err as Error).message}\n`);
  process.exit(1);
}
const logger = pino({ name: SERVICE_NAME, level: env.consumer.logLevel, redact: ['accessToken', '*.accessToken', 'headers.authorization'], mixin: traceLogFields });
logger.info({ tracing: telemetry.detail }, 'tracing');

try {
  const service = await startAutoReply({ ...env, logger, defaultMetrics: true });
  stopOnSignals(service, logger, { flush: telemetry.shutdown });
} catch (err) {
  // Rules errors list every problem in the message; nothing here carries the token.
  logger.fatal({ code: (err as { code?: string }).code, err }, 'auto-reply failed to start');
  await telemetry.shutdown();
  process.exit(1);
}
