import { accessSync, constants } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InfraError } from './errors.ts';
import { runCommand, tail } from './run-command.ts';
import { JAEGER_MODULE, JAEGER_MODULE_VERSION, JAEGER_VERSION, resolveTraceViewerLayout } from './trace-viewer-layout.ts';
import type { LogFn } from './types.ts';

export interface TraceViewerInstall {
  binary: string;
  version: string;
  /** False when the cached binary was there already (then this took a millisecond). */
  built: boolean;
  durationMs: number;
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Whether the viewer is built already: `installTraceViewer` would return at once. */
export function isTraceViewerInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return executable(resolveTraceViewerLayout(env).binary);
}

/** `GO` if set, else `go` on PATH, else the usual install location; INFRA_TOOL_MISSING when there is none. */
async function findGo(env: NodeJS.ProcessEnv): Promise<string> {
  const candidates = [env['GO'], 'go', '/usr/local/go/bin/go'].filter((c): c is string => c !== undefined && c !== '');
  for (const go of candidates) {
    try {
      if ((await runCommand(go, ['version'], { env })).code === 0) return go;
    } catch (err) {
      if ((err as InfraError).code !== 'INFRA_TOOL_MISSING') throw err;
    }
  }
  throw new InfraError(
    'INFRA_TOOL_MISSING',
    `the trace viewer is built with Go (1.24+), and none was found (tried ${candidates.join(', ')}; set GO to its path)`,
    {
      tried: candidates,
    },
  );
}

/**
 * Builds Jaeger v2 from the Go module proxy into the cache, once: `go mod download` the pinned module, then
 * `go build ./cmd/jaeger` inside it, so the module's own go.mod (its `replace` directive, which `go install
 * module@version` refuses) and go.sum decide every dependency. Static (CGO_ENABLED=0), written to a temporary name
 * and renamed, so an interrupted build leaves no binary. The first build takes minutes (on 2 cores about 5, plus
 * about 1.3 GB of modules in the Go module cache); afterwards this returns at once.
 */
export async function installTraceViewer(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<TraceViewerInstall> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const { binary } = resolveTraceViewerLayout(env);
  if (executable(binary)) return { binary, version: JAEGER_VERSION, built: false, durationMs: Date.now() - started };

  const go = await findGo(env);
  const goEnv: NodeJS.ProcessEnv = { ...env, CGO_ENABLED: '0' };
  log(`building Jaeger ${JAEGER_VERSION} (${JAEGER_MODULE}@${JAEGER_MODULE_VERSION}) with ${go}: once, a few minutes; then cached in ${binary}`);
  const download = await runCommand(go, ['mod', 'download', '-json', `${JAEGER_MODULE}@${JAEGER_MODULE_VERSION}`], { env: goEnv });
  if (download.code !== 0) {
    throw new InfraError('INFRA_COMPILE_FAILED', `go mod download ${JAEGER_MODULE}@${JAEGER_MODULE_VERSION} failed:\n${tail(download.output)}`, { go });
  }
  // The JSON object names where the module was unpacked; progress lines may share the output.
  const moduleDir = /"Dir":\s*"([^"]+)"/.exec(download.output)?.[1];
  if (moduleDir === undefined) throw new InfraError('INFRA_COMPILE_FAILED', `go mod download named no directory:\n${tail(download.output)}`, { go });

  await mkdir(dirname(binary), { recursive: true });
  const staging = `${binary}.tmp-${process.pid}-${Date.now()}`;
  try {
    const build = await runCommand(
      go,
      ['build', '-trimpath', '-ldflags', `-X ${JAEGER_MODULE}/internal/version.latestVersion=${JAEGER_VERSION}`, '-o', staging, './cmd/jaeger'],
      { cwd: moduleDir, env: goEnv },
    );
    if (build.code !== 0) throw new InfraError('INFRA_COMPILE_FAILED', `go build ./cmd/jaeger failed:\n${tail(build.output)}`, { go, moduleDir });
    await rename(staging, binary);
  } finally {
    await rm(staging, { force: true });
  }
  log(`built Jaeger ${JAEGER_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { binary, version: JAEGER_VERSION, built: true, durationMs: Date.now() - started };
}
