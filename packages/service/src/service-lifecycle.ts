import type { Logger } from 'pino';

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

export interface StopOptions {
  /** Runs after the service stopped, before the exit: the telemetry's shutdown, so the last spans are exported. */
  flush?: () => Promise<void>;
  /** Ends the process (default `process.exit`); a buffered logger's `exit` writes out its buffer first. */
  exit?: (code: number) => never;
  /** What the service does when it stops, logged with the signal. */
  stopping?: string;
  /** After this long the process exits with status 1 whatever is still running (default 30 s). */
  graceMs?: number;
}

/**
 * A start that failed (the store unreachable, a rules or tenants file invalid): one fatal log line with the code and
 * the message (which names what to fix), the spans flushed, exit status 1.
 */
export async function exitOnStartFailure(logger: Logger, err: unknown, opts: Pick<StopOptions, 'flush' | 'exit'> = {}): Promise<never> {
  const code = (err as { code?: unknown }).code;
  logger.fatal({ code: typeof code === 'string' ? code : undefined }, `failed to start: ${(err as Error).message}`);
  await opts.flush?.().catch(() => undefined);
  return (opts.exit ?? process.exit)(1);
}

/**
 * SIGTERM or SIGINT stop the service gracefully, then `flush`, then exit 0; a failed stop exits 1. A second signal,
 * or the grace time running out, exits 1 at once. Returns the same graceful stop for other reasons (the supervisor
 * gone: supervisor-watch.ts), each logged with what `why` says of it; it starts one stop, however often it is called,
 * so only a second signal escalates.
 */
export function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger, opts: StopOptions = {}): (why: object, reason?: string) => void {
  const exit = opts.exit ?? process.exit;
  let stopping = false;
  const stopGracefully = (why: object, reason?: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(why, `${reason ? `${reason}: ` : ''}shutting down${opts.stopping ? `: ${opts.stopping}` : ''}`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${(opts.graceMs ?? 30_000) / 1000} s; exiting`);
      exit(1);
    }, opts.graceMs ?? 30_000).unref();
    service.stop().then(
      async () => {
        await opts.flush?.().catch(() => undefined);
        exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (!stopping) return stopGracefully({ signal });
      logger.error({ signal }, 'second signal: exiting now');
      exit(1);
    });
  }
  return stopGracefully;
}
