import { HELM_MODULE, HELM_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';
import { buildGoModule, isExecutable } from './go-build.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * Builds helm from the Go module proxy into the cache, once (`buildGoModule`). Measured on the 2-core machine: about
 * 5 minutes the first time (modules and build cache empty); afterwards this returns at once.
 */
export async function installHelm(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const binary = resolveDeployToolsLayout(env).helm;
  if (isExecutable(binary)) return { binary, version: HELM_VERSION, built: false, durationMs: Date.now() - started };
  await buildGoModule({
    what: `helm ${HELM_VERSION}`,
    module: HELM_MODULE,
    version: HELM_VERSION,
    pkg: './cmd/helm',
    ldflags: `-s -w -X ${HELM_MODULE}/internal/version.version=${HELM_VERSION}`,
    binary,
    env,
    log,
  });
  log(`built helm ${HELM_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { binary, version: HELM_VERSION, built: true, durationMs: Date.now() - started };
}
