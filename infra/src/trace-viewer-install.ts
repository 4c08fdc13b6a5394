import { buildGoModule, isExecutable } from './go-build.ts';
import { JAEGER_MODULE, JAEGER_MODULE_VERSION, JAEGER_VERSION, resolveTraceViewerLayout } from './trace-viewer-layout.ts';
import type { LogFn, ToolInstall } from './types.ts';

export type TraceViewerInstall = ToolInstall;

/** Whether the viewer is built already: `installTraceViewer` would return at once. */
export function isTraceViewerInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return isExecutable(resolveTraceViewerLayout(env).binary);
}

/**
 * Builds Jaeger v2 from the Go module proxy into the cache, once (`buildGoModule`: the module's own go.mod and go.sum,
 * static, renamed into place). It needs Go 1.24+. The first build takes minutes (on 2 cores about 5, plus about 1.3 GB
 * of modules in the Go module cache); afterwards this returns at once.
 */
export async function installTraceViewer(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<TraceViewerInstall> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const { binary } = resolveTraceViewerLayout(env);
  if (isExecutable(binary)) return { binary, version: JAEGER_VERSION, built: false, durationMs: Date.now() - started };
  await buildGoModule({
    what: `Jaeger ${JAEGER_VERSION} (the trace viewer)`,
    module: JAEGER_MODULE,
    version: JAEGER_MODULE_VERSION,
    pkg: './cmd/jaeger',
    ldflags: `-X ${JAEGER_MODULE}/internal/version.latestVersion=${JAEGER_VERSION}`,
    binary,
    env,
    log,
  });
  log(`built Jaeger ${JAEGER_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { binary, version: JAEGER_VERSION, built: true, durationMs: Date.now() - started };
}
