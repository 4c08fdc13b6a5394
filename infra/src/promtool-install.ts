import { PROMETHEUS_MODULE, PROMETHEUS_MODULE_VERSION, PROMETHEUS_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';
import { installGoTool } from './go-build.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * Builds promtool from the Go module proxy into the cache, once (`installGoTool`). The first build compiles Prometheus'
 * service discovery with every cloud SDK: 21 minutes on the 2-core machine shared with other builds (load 10-15), 9 s
 * again with a warm Go build cache; afterwards this returns at once.
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
