import { PROMETHEUS_MODULE, PROMETHEUS_MODULE_VERSION, PROMETHEUS_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';
import { installGoTool } from './go-build.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * Builds promtool from the Go module proxy into the cache, once (`installGoTool`). Built with Prometheus' own
 * `remove_all_sd` tag: wabus runs `promtool test rules` and `check rules`, which need no service discovery, and
 * leaving out every cloud SDK's discovery makes a first build (empty Go caches, downloads included) 3 minutes on the
 * 2-core machine at load ~3 (5 min of CPU), where the full build had taken 21 minutes beside other builds (load
 * 10-15); afterwards this returns at once.
 */
export function installPromtool(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const tool = {
    what: `promtool ${PROMETHEUS_VERSION}`,
    module: PROMETHEUS_MODULE,
    version: PROMETHEUS_MODULE_VERSION,
    toolVersion: PROMETHEUS_VERSION,
    pkg: './cmd/promtool',
    tags: 'remove_all_sd',
    // As Prometheus' release build sets it, so `promtool --version` names its version.
    ldflags: `-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION.slice(1)}`,
    binary: resolveDeployToolsLayout(opts.env ?? process.env).promtool,
  };
  return installGoTool(tool, opts);
}
