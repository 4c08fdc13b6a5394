import { installHadolint } from './hadolint-install.ts';
import { installHelm } from './helm-install.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * The tools the deployment tests run (test/deploy): hadolint, then helm. Idempotent: instant when both are cached.
 * `./wabus test` runs it (`wabus infra tools`) before the tests, so that helm's first build (minutes) does not compete
 * with timed tests.
 */
export async function installDeployTools(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<{ helm: ToolInstall; hadolint: ToolInstall }> {
  const hadolint = await installHadolint(opts);
  const helm = await installHelm(opts);
  return { helm, hadolint };
}
