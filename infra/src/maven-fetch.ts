import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InfraError } from './errors.ts';
import { runCommand, tail } from './run-command.ts';
import type { LogFn } from './types.ts';

interface FetchMarker {
  pomHash: string;
  fetchedAt: string;
}

function markerFile(libsDir: string): string {
  return join(dirname(libsDir), 'fetched.json');
}

function isFetched(libsDir: string, pomHash: string): boolean {
  const marker = markerFile(libsDir);
  if (!existsSync(marker) || !existsSync(libsDir)) return false;
  try {
    return (JSON.parse(readFileSync(marker, 'utf8')) as FetchMarker).pomHash === pomHash;
  } catch {
    return false;
  }
}

/**
 * Copies the runtime jars of `pomFile` into `libsDir` with `mvn dependency:copy-dependencies`, unless a marker
 * says this very pom (by hash) was fetched already. Jars land in a temporary directory first and are renamed
 * into place, so an interrupted or concurrent fetch never leaves a partial jar set behind.
 */
export async function fetchMavenRuntime(opts: {
  pomFile: string;
  pomHash: string;
  libsDir: string;
  log: LogFn;
  env?: NodeJS.ProcessEnv;
}): Promise<{ fetched: boolean }> {
  const { pomFile, pomHash, libsDir, log } = opts;
  if (isFetched(libsDir, pomHash)) return { fetched: false };

  const staging = `${libsDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(dirname(libsDir), { recursive: true });
  log(`fetching ${pomFile} runtime jars with mvn into ${libsDir}`);
  const started = Date.now();
  const result = await runCommand(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', pomFile, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { env: opts.env },
  );
  if (result.code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new InfraError('INFRA_MAVEN_FAILED', `mvn dependency:copy-dependencies failed for ${pomFile} (exit ${result.code}):\n${tail(result.output)}`, {
      pomFile,
    });
  }
  await rm(libsDir, { recursive: true, force: true });
  try {
    await rename(staging, libsDir);
  } catch (err) {
    // A concurrent install renamed its own copy first: theirs is as good as ours.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(libsDir)) throw err;
  }
  const marker: FetchMarker = { pomHash, fetchedAt: new Date().toISOString() };
  await writeFile(markerFile(libsDir), `${JSON.stringify(marker, null, 2)}\n`);
  log(`fetched ${libsDir} in ${Date.now() - started} ms`);
  return { fetched: true };
}
