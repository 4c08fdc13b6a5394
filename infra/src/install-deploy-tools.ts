import { installHadolint } from './hadolint-install.ts';
import { installHelm } from './helm-install.ts';
import { installPromtool } from './promtool-install.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * The tools the tests run besides Node: hadolint and helm (the deployment tests, test/deploy), promtool (the alert
 * rules' tests, infra/observability). Idempotent: instant when all are cached. `./wabus test` runs it (`wabus infra
 * tools`) before the tests, so that the first builds (minutes each) do not compete with timed tests.
 */
export async function installDeployTools(
  opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {},
): Promise<{ helm: ToolInstall; hadolint: ToolInstall; promtool: ToolInstall }> {
  const hadolint = await installHadolint(opts);
  const helm = await installHelm(opts);
  // One Go build after the other: two at once are slower than in turn on 2 cores.
  const promtool = await installPromtool(opts);
  return { helm, hadolint, promtool };
}
