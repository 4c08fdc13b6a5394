import { installGoTool } from './go-build.ts';
import { isExecutable } from './run-command.ts';
import { JAEGER_MODULE, JAEGER_MODULE_VERSION, JAEGER_VERSION, resolveTraceViewerLayout } from './trace-viewer-layout.ts';
import type { LogFn, ToolInstall } from './types.ts';

/** Whether the viewer is built already: `installTraceViewer` would return at once. */
export function isTraceViewerInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return isExecutable(resolveTraceViewerLayout(env).binary);
}

/**
 * Builds Jaeger v2 from the Go module proxy into the cache, once (`installGoTool`: the module's own go.mod and go.sum,
 * static, renamed into place). It needs Go 1.24+. The first build takes minutes (on 2 cores about 5, plus about 1.3 GB
 * of modules in the Go module cache); afterwards this returns at once.
 */
export function installTraceViewer(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const tool = {
    what: `Jaeger ${JAEGER_VERSION} (the trace viewer)`,
    module: JAEGER_MODULE,
    version: JAEGER_MODULE_VERSION,
    toolVersion: JAEGER_VERSION,
    pkg: './cmd/jaeger',
    ldflags: `-X ${JAEGER_MODULE}/internal/version.latestVersion=${JAEGER_VERSION}`,
    binary: resolveTraceViewerLayout(opts.env ?? process.env).binary,
  };
  return installGoTool(tool, opts);
}
