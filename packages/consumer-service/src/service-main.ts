import { pino, type Logger } from 'pino';
import { traceLogFields } from '@wabus/telemetry';

/**
 * A service's configuration, or one clear line on stderr and exit status 1: a configuration error names the
 * variable (or the tenant and field) and is not a crash, so no stack trace.
 */
export function configOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    process.stderr.write(`${service}: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}\n`);
    process.exit(1);
  }
}

/** Secrets that may sit in a logged object; every service's logger redacts them. */
const REDACT = ['accessToken', '*.accessToken', 'authToken', '*.authToken', 'signingSecret', '*.signingSecret', 'secret', '*.secret', 'headers.authorization', '*.headers.authorization'];

/** The logger of a consumer service: its name, its level, the active span's ids on every line, secrets redacted. */
export const serviceLogger = (service: string, level: string): Logger => pino({ name: service, level, redact: { paths: REDACT, censor: '[redacted]' }, mixin: traceLogFields });

/**
 * A start that failed (the store unreachable, a rules or tenants file invalid): one fatal log line with the code and
 * the message (which names what to fix), the spans flushed, exit status 1.
 */
export async function exitOnStartFailure(logger: Logger, err: unknown, flush: () => Promise<void>): Promise<never> {
  const code = (err as { code?: unknown }).code;
  logger.fatal({ code: typeof code === 'string' ? code : undefined }, `failed to start: ${(err as Error).message}`);
  logger.flush?.();
  await flush().catch(() => undefined);
  process.exit(1);
}
