import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from './errors.ts';
import type { SecantusArtifacts } from './infra-artifacts.ts';
import { runCommand, tail } from './run-command.ts';
import type { LogFn } from './types.ts';

/** The oldest CPython the pinned wheels support (numpy 2.4). */
const PYTHON_MIN: readonly [number, number] = [3, 11];

const markerFile = (a: SecantusArtifacts) => join(a.homeDir, 'installed.json');

/** True when the venv holds exactly what the requirements file (by hash) pins: then installing is a no-op. */
export function isSecantusInstalled(a: SecantusArtifacts): boolean {
  if (!existsSync(a.python)) return false;
  try {
    return (JSON.parse(readFileSync(markerFile(a), 'utf8')) as { requirementsHash?: string }).requirementsHash === a.requirementsHash;
  } catch {
    return false;
  }
}

/** `PYTHON` if set, else `python3`; INFRA_TOOL_MISSING when it is absent or older than 3.11. */
async function findPython(env: NodeJS.ProcessEnv): Promise<string> {
  const python = env['PYTHON'] || 'python3';
  const probe = await runCommand(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { env });
  const [major = 0, minor = 0] = probe.output.trim().split('.').map(Number);
  if (probe.code !== 0 || major < PYTHON_MIN[0] || (major === PYTHON_MIN[0] && minor < PYTHON_MIN[1])) {
    throw new InfraError(
      'INFRA_TOOL_MISSING',
      `SecantusDB needs Python ${PYTHON_MIN.join('.')}+ with venv and pip; ${python} is ${probe.output.trim() || 'unusable'} (set PYTHON to another)`,
      { file: python },
    );
  }
  return python;
}

/**
 * Installs SecantusDB (PyPI) into a venv under the cache, once per requirements hash: `python3 -m venv` into a
 * temporary directory, `pip install --no-deps --only-binary :all: -r infra/secantus/requirements.txt` (every package
 * pinned, wheels only: no compiler, no surprise), then the directory is renamed into place and a marker written, so
 * an interrupted or concurrent install leaves no half venv. The venv is only ever used as `venv/bin/python -m ...`,
 * which a rename does not break (the scripts in venv/bin would name the old path). About 15 s and 145 MB the first
 * time; afterwards a hash of one file.
 */
export async function installSecantus(a: SecantusArtifacts, log: LogFn, env: NodeJS.ProcessEnv = process.env): Promise<{ installed: boolean }> {
  if (isSecantusInstalled(a)) return { installed: false };
  const python = await findPython(env);
  const started = Date.now();
  await mkdir(a.homeDir, { recursive: true });
  const staging = `${a.venvDir}.tmp-${process.pid}-${Date.now()}`;
  log(`installing SecantusDB ${a.version} with pip into ${a.venvDir}`);
  try {
    const venv = await runCommand(python, ['-m', 'venv', staging], { env });
    if (venv.code !== 0) {
      throw new InfraError('INFRA_TOOL_MISSING', `${python} -m venv failed (on Debian and Ubuntu: apt-get install python3-venv):\n${tail(venv.output)}`, {
        file: python,
      });
    }
    const pip = await runCommand(
      join(staging, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', '--no-deps', '--only-binary', ':all:', '-r', a.requirementsFile],
      { env },
    );
    if (pip.code !== 0) {
      throw new InfraError('INFRA_PIP_FAILED', `pip install -r ${a.requirementsFile} failed (exit ${pip.code}):\n${tail(pip.output)}`, {
        requirementsFile: a.requirementsFile,
      });
    }
    await rm(a.venvDir, { recursive: true, force: true });
    await rename(staging, a.venvDir).catch((err: unknown) => {
      // A concurrent install renamed its own venv first: theirs is as good as ours.
      if (!existsSync(a.python)) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await writeFile(markerFile(a), `${JSON.stringify({ requirementsHash: a.requirementsHash, installedAt: new Date().toISOString() }, null, 2)}\n`);
  log(`installed SecantusDB ${a.version} in ${Date.now() - started} ms`);
  return { installed: true };
}
