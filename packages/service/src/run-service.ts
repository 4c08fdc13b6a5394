import { startTelemetry, type Telemetry, type TelemetryOptions } from '@wabus/telemetry/node';
import type { Logger } from 'pino';
import type { ServiceFacts } from './registry.ts';

/** What a starting service is given. */
export interface ServiceContext<C> {
  facts: ServiceFacts;
  config: C;
  logger: Logger;
  telemetry: Telemetry;
  /** Ends the process after writing out the logger's buffer. */
  exit(code: number): never;
}

/** A service, as its composition root declares it to the chassis. */
export interface ServiceDefinition<C> {
  /** Its configuration from the environment; a bad value throws a coded error naming the variable. */
  config(facts: ServiceFacts, env: NodeJS.ProcessEnv): C;
  logLevel(config: C): string;
  /** More log paths to redact; buffered (asynchronous) log writes. */
  logging?: { redact?: readonly string[]; buffered?: boolean };
  /** What stopping means for it, for the shutdown log line. */
  stopping?: string;
  /** Starts it; SIGTERM and SIGINT call the returned `stop`. A throw is a failed start: one fatal line, exit 1. */
  start(ctx: ServiceContext<C>): Promise<{ stop(): Promise<void> }>;
}

/**
 * The chassis every service runs on, called by its `src/main.ts`:
 *
 *   await runService(import.meta.url, async () => (await import('./my-service.ts')).myService);
 *
 * In order: the service's facts from its `package.json` (name, port), tracing (before anything else is imported, so
 * the instrumented modules — the MongoDB driver, node:http, fetch — are patched when first loaded; nothing starts
 * without OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER), the definition (imported only now), the configuration
 * (a bad variable: one line on stderr naming it, exit 1), the logger (its name and level, span ids on every line,
 * secrets redacted), the start (a failure: one fatal line with its code, exit 1), and the signals: SIGTERM/SIGINT stop
 * it gracefully, export the last spans and exit 0; a second signal or 30 s exit 1. With WABUS_SUPERVISOR_PID set (by
 * `wabus dev`), the same graceful stop when that process is gone (supervisor-watch.ts).
 */
export async function runService<C>(
  main: string | URL,
  define: () => Promise<ServiceDefinition<C>>,
  tracing: Omit<TelemetryOptions, 'serviceName'> = {},
): Promise<void> {
  const { readServiceFacts } = await import('./registry.ts');
  const facts = readServiceFacts(new URL('..', new URL('.', main)));
  const telemetry = startTelemetry({ serviceName: facts.name, ...tracing });
  const { configOrExit, exitOnStartFailure, stopOnSignals } = await import('./service-lifecycle.ts');
  const { serviceLogging } = await import('./service-logger.ts');
  const definition = await define();
  const config = configOrExit(facts.name, () => definition.config(facts, process.env));
  const { supervisorPidOf, watchSupervisor } = await import('./supervisor-watch.ts');
  const supervisorPid = configOrExit(facts.name, () => supervisorPidOf(process.env));
  const { logger, exit } = serviceLogging(facts.name, { level: definition.logLevel(config), ...definition.logging });
  logger.info({ tracing: telemetry.detail }, 'tracing');
  const flush = () => telemetry.shutdown();
  const service = await definition.start({ facts, config, logger, telemetry, exit }).catch((err: unknown) => exitOnStartFailure(logger, err, { flush, exit }));
  const shutdown = stopOnSignals(service, logger, { flush, exit, ...(definition.stopping ? { stopping: definition.stopping } : {}) });
  if (supervisorPid > 0) watchSupervisor({ pid: supervisorPid, onGone: () => shutdown({ supervisorPid }, 'supervisor gone') });
}
