import { PROMETHEUS_MODULE, PROMETHEUS_MODULE_VERSION, PROMETHEUS_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';
import { installGoTool } from './go-build.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * Builds promtool from the Go module proxy into the cache, once (`installGoTool`). Measured on the 2-core machine:
 * about BUILD_MINUTES minutes the first time (modules and build cache empty: it compiles Prometheus' service discovery
 * with every cloud SDK); afterwards this returns at once.
 */
export function installPromtool(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const tool = {
    what: `promtool ${PROMETHEUS_VERSION}`,
    module: PROMETHEUS_MODULE,
    version: PROMETHEUS_MODULE_VERSION,
    toolVersion: PROMETHEUS_VERSION,
    pkg: './cmd/promtool',
    // As Prometheus' release build sets it, so `promtool --version` names its version.
    ldflags: `-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION.slice(1)}`,
    binary: resolveDeployToolsLayout(opts.env ?? process.env).promtool,
  };
  return installGoTool(tool, opts);
}
