import { HELM_MODULE, HELM_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';
import { installGoTool } from './go-build.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * Builds helm from the Go module proxy into the cache, once (`installGoTool`). Measured on the 2-core machine: about
 * 5 minutes the first time (modules and build cache empty); afterwards this returns at once.
 */
export function installHelm(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const tool = {
    what: `helm ${HELM_VERSION}`,
    module: HELM_MODULE,
    version: HELM_VERSION,
    toolVersion: HELM_VERSION,
    pkg: './cmd/helm',
    ldflags: `-s -w -X ${HELM_MODULE}/internal/version.version=${HELM_VERSION}`,
    binary: resolveDeployToolsLayout(opts.env ?? process.env).helm,
  };
  return installGoTool(tool, opts);
}
