import { pino, type Logger } from 'pino';
import { traceLogFields } from '@wabus/telemetry';

/** Secrets that may sit in a logged object; every service's logger redacts them. */
const REDACT = [
  'accessToken',
  '*.accessToken',
  'authToken',
  '*.authToken',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
];

/** How long a buffered logger holds a line at most. */
const FLUSH_EVERY_MS = 1_000;

export interface ServiceLoggerOptions {
  level: string;
  /** More paths to redact than every service's secrets. */
  redact?: readonly string[];
  /**
   * Asynchronous, buffered writes (4 KiB): for a service logging a line per request at high rates, where one
   * synchronous write per line costs measurable CPU (ingress: ~8 %). What is buffered is written out at least every
   * `FLUSH_EVERY_MS` (a quiet service's lines, a supervisor's "worker died", show up at once) and by `exit`.
   */
  buffered?: boolean;
}

export interface ServiceLogging {
  logger: Logger;
  /** Writes out what is buffered, then ends the process with `code`. */
  exit(code: number): never;
}

/** A service's logger: its name, its level, the active span's ids on every line, secrets redacted. */
export function serviceLogging(service: string, opts: ServiceLoggerOptions): ServiceLogging {
  const destination = opts.buffered ? pino.destination({ sync: false, minLength: 4096 }) : undefined;
  const options = { name: service, level: opts.level, redact: { paths: [...REDACT, ...(opts.redact ?? [])], censor: '[redacted]' }, mixin: traceLogFields };
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  if (destination !== undefined) {
    setInterval(() => {
      try {
        destination.flush();
      } catch {
        // destroyed: the process is exiting, and `exit` wrote the buffer out
      }
    }, FLUSH_EVERY_MS).unref();
  }
  return {
    logger,
    exit(code) {
      try {
        destination?.flushSync();
      } catch {
        // Nowhere to write (EPIPE: whoever read our output is gone, e.g. a dead supervisor): the lines are lost.
      }
      process.exit(code);
    },
  };
}
