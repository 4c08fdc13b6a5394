import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveCacheDir, resolveProfileLayout } from './profile-layout.ts';

/**
 * The local trace viewer: Jaeger v2 (`github.com/jaegertracing/jaeger/cmd/jaeger`, module version v1.76.0 = Jaeger
 * v2.13.0), built from the Go module proxy, with in-memory storage. It listens where docker-compose's Jaeger does,
 * so `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318` means the same with either.
 */
export const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';
export const JAEGER_MODULE_VERSION = 'v1.76.0';
export const JAEGER_VERSION = 'v2.13.0';

export interface TraceViewerLayout {
  host: string;
  /** OTLP/HTTP (what the services export to) and OTLP/gRPC. */
  otlpHttpPort: number;
  otlpGrpcPort: number;
  /** Jaeger's query service: UI and HTTP API (`/api/services`, `/api/traces/<id>`), and its gRPC API. */
  queryPort: number;
  queryGrpcPort: number;
  /** Health check (`GET /status`): readiness. */
  healthPort: number;
  /** The built binary, in the download cache (survives `infra down` and dev state resets). */
  binary: string;
  /** Written at each start, in the dev state directory; its path on the command line tells our process apart. */
  configFile: string;
  logFile: string;
  /** Most traces kept in memory; the oldest go first. */
  maxTraces: number;
  /** The page Jaeger serves as its UI (infra/viewer): a Jaeger built from Go modules has none of its own. */
  uiAssets: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a TCP port, got ${JSON.stringify(raw)}`);
  return n;
}

/** Where the viewer is built and how it listens. Pure: reads only `env` (`WABUS_CACHE_DIR`, `WABUS_STATE_DIR`, ports). */
export function resolveTraceViewerLayout(env: NodeJS.ProcessEnv = process.env): TraceViewerLayout {
  const stateDir = resolveProfileLayout('dev', env).stateDir;
  return {
    host: '127.0.0.1',
    otlpHttpPort: port(env, 'WABUS_VIEWER_OTLP_PORT', 4318),
    otlpGrpcPort: port(env, 'WABUS_VIEWER_OTLP_GRPC_PORT', 4317),
    queryPort: port(env, 'WABUS_VIEWER_PORT', 16686),
    queryGrpcPort: port(env, 'WABUS_VIEWER_GRPC_PORT', 16685),
    healthPort: port(env, 'WABUS_VIEWER_HEALTH_PORT', 13133),
    binary: join(resolveCacheDir(env), `jaeger-${JAEGER_VERSION}`, 'jaeger'),
    configFile: join(stateDir, 'jaeger', 'config.yaml'),
    logFile: join(stateDir, 'jaeger.log'),
    maxTraces: 100_000,
    uiAssets: fileURLToPath(new URL('../viewer', import.meta.url)),
  };
}

/** Jaeger v2's configuration (an OpenTelemetry Collector config): OTLP in, memory storage, query UI/API, health. */
export function traceViewerConfig(l: TraceViewerLayout): string {
  const at = (p: number) => `${l.host}:${p}`;
  return `# Written by infra/src/trace-viewer.ts at each start; edits are overwritten.
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    # Jaeger traces none of its own API calls (they would be most of what the viewer lists) and serves no metrics.
    traces:
      level: none
    metrics:
      level: none
    logs:
      level: info
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${l.maxTraces}
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: ${at(l.queryPort)}
    grpc:
      endpoint: ${at(l.queryGrpcPort)}
    ui:
      assets_path: ${JSON.stringify(l.uiAssets)}
  healthcheckv2:
    use_v2: true
    http:
      endpoint: ${at(l.healthPort)}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${at(l.otlpGrpcPort)}
      http:
        endpoint: ${at(l.otlpHttpPort)}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}
