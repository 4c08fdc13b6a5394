import { createRequire } from 'node:module';
import { dbStatementShape } from './db-statement-shape.ts';
import { maskUrlAttributes } from './url-shape.ts';
import { telemetryDecision } from './telemetry-enabled.ts';
import { exportInWorker } from './export-in-worker.ts';
import { WorkerSpanExporter } from './worker-span-exporter.ts';

export interface TelemetryOptions {
  /** `service.name`, unless `OTEL_SERVICE_NAME` or `OTEL_RESOURCE_ATTRIBUTES` say otherwise. */
  serviceName: string;
  /** Decides whether to start at all; the SDK itself reads every other `OTEL_*` variable from `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Instrument node:http (server spans for every request, client spans for outgoing calls). Default true; a service
   * that makes its own server spans and no outgoing HTTP calls turns it off (ingress: the instrumentation's per-request
   * work is a large share of tracing's cost at its request rates).
   */
  instrumentHttp?: boolean;
  /**
   * Track the active span across asynchronous calls (AsyncLocalStorage). Default true: the consumers need it, their
   * store and HTTP client spans find the handler's span that way. A service that hands every parent span over
   * explicitly turns it off: on Node 20 an AsyncLocalStorage in use slows down every promise in the process. Off, the
   * fetch (undici) and MongoDB instrumentations are not registered either (they could not find a parent).
   */
  asyncContext?: boolean;
  /** Incoming request paths never traced (probes and scrapes would otherwise be most of the traces). */
  untracedPaths?: readonly string[];
}

export interface Telemetry {
  readonly enabled: boolean;
  /** Why tracing is off, or where it exports: for the service's start-up log line. */
  readonly detail: string;
  /** Exports what is buffered, then stops. Bounded, so an unreachable collector cannot hold up a shutdown. */
  shutdown(): Promise<void>;
}

type SdkConfig = ConstructorParameters<typeof import('@opentelemetry/sdk-node').NodeSDK>[0];

export const DEFAULT_UNTRACED_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics', '/v1/lag'];
const SHUTDOWN_BUDGET_MS = 5_000;

/**
 * Batch span processor sizes, unless `OTEL_BSP_*` say otherwise. The SDK's defaults (a queue of 2,048 spans, exports
 * of 512, one export in flight at a time) drop spans once ingress produces more than about 10,000 spans a second: the
 * queue fills while an export is out, and what does not fit is dropped without a word. Exports of 2,048 keep up
 * (measured: bench/tracing, `pnpm bench -- --only tracing`) for about the same CPU per span; the queue holds four of
 * them, about 8 MB.
 */
export const BATCH_DEFAULTS: Readonly<Record<string, string>> = {
  OTEL_BSP_MAX_QUEUE_SIZE: '8192',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
};

/** The worker-thread exporter, or undefined (the SDK's own then) where it cannot start: a Node that neither strips types nor has tsx. */
function workerExporter(): WorkerSpanExporter | undefined {
  try {
    return new WorkerSpanExporter();
  } catch {
    return undefined;
  }
}

/**
 * Starts `@opentelemetry/sdk-node` for a service: traces only (metrics are Prometheus, logs are pino), exported the
 * way the standard `OTEL_*` variables say (OTLP over http/protobuf unless `OTEL_EXPORTER_OTLP_PROTOCOL` says
 * http/json or grpc; batch processor timings from `OTEL_BSP_*`; sampler from `OTEL_TRACES_SAMPLER`), W3C trace
 * context propagation, and the instrumentations for incoming and outgoing HTTP (node:http, so fastify's server),
 * fetch (undici) and the MongoDB driver.
 *
 * Call it from a service's entry point BEFORE anything imports fastify, mongodb or undici: the instrumentations
 * patch those modules as they are first required. It is synchronous, and when tracing is off (see
 * `telemetryDecision`) it loads none of the SDK.
 */
export function startTelemetry(opts: TelemetryOptions): Telemetry {
  const env = opts.env ?? process.env;
  const decision = telemetryDecision(env);
  if (!decision.enabled) return { enabled: false, detail: decision.reason, shutdown: async () => {} };

  // The SDK reads these from process.env when it builds its batch processor.
  for (const [name, value] of Object.entries(BATCH_DEFAULTS)) if (!process.env[name]) process.env[name] = value;

  // Loaded only now, synchronously: a service without tracing never pays for the SDK's modules.
  const require = createRequire(import.meta.url);
  const { NodeSDK, resources } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');

  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? 'http/protobuf';
  // Serializing an export on the event loop blocked ingress for ~20 ms at a time at saturation: the standard OTLP
  // http/protobuf exporter runs in a worker thread instead (WABUS_OTEL_EXPORT_WORKER=0: in this thread, as the SDK
  // would). Any other exporter or protocol: the SDK's own, from the same variables.
  const traceExporter = exportInWorker(decision.exporters, protocol, env) ? workerExporter() : undefined;
  const inWorker = traceExporter !== undefined;

  const untraced = new Set(opts.untracedPaths ?? DEFAULT_UNTRACED_PATHS);
  const instrumentations = [];
  if (opts.instrumentHttp !== false) {
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    // Records url.query with known signature parameters redacted; wabus' own read APIs take no secrets there. Paths
    // name customers (`GET /v1/contacts/:customerId`): masked.
    instrumentations.push(
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => untraced.has((req.url ?? '/').split('?', 1)[0]!), requestHook: maskUrlAttributes }),
    );
  }
  // fetch and MongoDB spans find their parent in the active context: without async context tracking the first would
  // all be roots and the second never made (requireParentSpan), so they are not registered then. That matters beyond
  // the spans: a registered instrumentation hooks every require() in the process (require-in-the-middle), and kafkajs
  // calls require() for its protocol modules on every produce and fetch; through the hook, under tsx, that was about
  // 5 % of ingress' CPU at saturation (bench/tracing, --cpu-prof).
  if (opts.asyncContext !== false) {
    const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
    const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
    instrumentations.push(
      // crm-sync's `PUT /contacts/<customer id>`: masked.
      new UndiciInstrumentation({ requestHook: maskUrlAttributes }),
      // requireParentSpan: store calls outside any traced work (readiness pings, start-up index builds) make no spans.
      new MongoDBInstrumentation({ requireParentSpan: true, dbStatementSerializer: dbStatementShape }),
    );
  }
  const sdk = new NodeSDK({
    // Our defaults first: the environment detector (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) merges over them.
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': opts.serviceName, 'service.namespace': 'wabus' })),
    instrumentations,
    // null: register none (the API's no-op manager stays); undefined: AsyncLocalStorage.
    ...(opts.asyncContext === false ? { contextManager: null as unknown as NonNullable<SdkConfig>['contextManager'] } : {}),
    metricReaders: [],
    logRecordProcessors: [],
    // Given an exporter, the SDK still builds its batch processor from OTEL_BSP_*.
    ...(traceExporter ? { traceExporter } : {}),
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    detail:
      decision.exporters === 'otlp'
        ? `otlp ${protocol} to ${endpoint ?? 'the default endpoint'}${inWorker ? ' from a worker thread' : ''}`
        : decision.exporters,
    shutdown() {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SHUTDOWN_BUDGET_MS);
        timer.unref();
        sdk
          .shutdown()
          .then(
            () => resolve(),
            () => resolve(),
          )
          .finally(() => clearTimeout(timer));
      });
      return stopped;
    },
  };
}
