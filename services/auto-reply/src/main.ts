import { pino } from 'pino';
import { stopOnSignals } from '@wabus/consumer-service';
import { loadAutoReplyEnv, SERVICE_NAME, startAutoReply } from './start-auto-reply.ts';

// Composition root: the only module that reads the environment and builds clients. The access token is never
// logged (and redacted, should a configuration object ever be logged whole).
let env: ReturnType<typeof loadAutoReplyEnv>;
try {
  env = loadAutoReplyEnv(process.env);
} catch (err) {
  process.stderr.write(`auto-reply: ${(err as Error).message}\n`);
  process.exit(1);
}
const logger = pino({ name: SERVICE_NAME, level: env.consumer.logLevel, redact: ['accessToken', '*.accessToken', 'headers.authorization'] });

try {
  const service = await startAutoReply({ ...env, logger, defaultMetrics: true });
  stopOnSignals(service, logger);
} catch (err) {
  // Rules errors list every problem in the message; nothing here carries the token.
  logger.fatal({ code: (err as { code?: string }).code, err }, 'auto-reply failed to start');
  process.exit(1);
}
