import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InfraError } from './errors.ts';
import { isExecutable, runCommand, tail } from './run-command.ts';
import { withProfileLock } from './profile-lock.ts';
import type { LogFn, ToolInstall } from './types.ts';

/** `GO` if set, else `go` on PATH, else the usual install location; INFRA_TOOL_MISSING (saying what needs it) when there is none. */
async function findGo(env: NodeJS.ProcessEnv, neededFor: string): Promise<string> {
  const candidates = [env['GO'], 'go', '/usr/local/go/bin/go'].filter((c): c is string => c !== undefined && c !== '');
  for (const go of candidates) {
    try {
      if ((await runCommand(go, ['version'], { env })).code === 0) return go;
    } catch (err) {
      if ((err as InfraError).code !== 'INFRA_TOOL_MISSING') throw err;
    }
  }
  throw new InfraError('INFRA_TOOL_MISSING', `${neededFor} is built with Go, and none was found (tried ${candidates.join(', ')}; set GO to its path)`, {
    tried: candidates,
  });
}

export interface GoModuleBuild {
  /** What is built, for log lines and errors: `Jaeger v2.13.0`. */
  what: string;
  module: string;
  version: string;
  /** The package to build, relative to the module's root: `./cmd/jaeger`. */
  pkg: string;
  ldflags: string;
  /** Build tags (`-tags`), e.g. to leave out code the tool does not need. */
  tags?: string;
  /** Where the binary goes (the cache). */
  binary: string;
  env: NodeJS.ProcessEnv;
  log: LogFn;
}

/**
 * Builds a command of a Go module from the Go module proxy: `go mod download` the pinned module, then `go build` the
 * package inside it, so the module's own go.mod (a `replace` directive, which `go install module@version` refuses) and
 * go.sum decide every dependency. Static (CGO_ENABLED=0), written to a temporary name and renamed, so an interrupted
 * build leaves no binary.
 */
export async function buildGoModule(b: GoModuleBuild): Promise<void> {
  const go = await findGo(b.env, b.what);
  // GOWORK=off: a module's zip may carry its go.work (Prometheus' does) naming directories the zip leaves out.
  const goEnv: NodeJS.ProcessEnv = { ...b.env, CGO_ENABLED: '0', GOWORK: 'off' };
  const ref = `${b.module}@${b.version}`;
  b.log(`building ${b.what} (${ref}) with ${go}: once, a few minutes; then cached in ${b.binary}`);
  const download = await runCommand(go, ['mod', 'download', '-json', ref], { env: goEnv });
  if (download.code !== 0) throw new InfraError('INFRA_COMPILE_FAILED', `go mod download ${ref} failed:\n${tail(download.output)}`, { go });
  // The JSON object names where the module was unpacked; progress lines may share the output.
  const moduleDir = /"Dir":\s*"([^"]+)"/.exec(download.output)?.[1];
  if (moduleDir === undefined) throw new InfraError('INFRA_COMPILE_FAILED', `go mod download named no directory:\n${tail(download.output)}`, { go });

  await mkdir(dirname(b.binary), { recursive: true });
  const staging = `${b.binary}.tmp-${process.pid}-${Date.now()}`;
  try {
    const tags = b.tags === undefined ? [] : ['-tags', b.tags];
    const build = await runCommand(go, ['build', '-trimpath', ...tags, '-ldflags', b.ldflags, '-o', staging, b.pkg], { cwd: moduleDir, env: goEnv });
    if (build.code !== 0) throw new InfraError('INFRA_COMPILE_FAILED', `go build ${b.pkg} of ${ref} failed:\n${tail(build.output)}`, { go, moduleDir });
    await rename(staging, b.binary);
  } finally {
    await rm(staging, { force: true });
  }
}

/** A command built from a Go module into the cache: what `installGoTool` needs besides the environment. */
export interface GoTool extends Omit<GoModuleBuild, 'env' | 'log'> {
  /** The version it reports (`ToolInstall.version`): the tool's, which may differ from the module's. */
  toolVersion: string;
}

/**
 * The tool's binary from the cache, built there first if it is missing (`buildGoModule`). Builds of one binary are
 * serialised by a lock next to it (two test files asking at once build it once); a caller that waited finds it built.
 */
export async function installGoTool(tool: GoTool, opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const result = (built: boolean): ToolInstall => ({ binary: tool.binary, version: tool.toolVersion, built, durationMs: Date.now() - started });
  if (isExecutable(tool.binary)) return result(false);
  await mkdir(dirname(tool.binary), { recursive: true });
  // A first build takes minutes: the lock waits as long (30 min).
  return withProfileLock(`${tool.binary}.lock`, 30 * 60_000, async () => {
    if (isExecutable(tool.binary)) return result(false);
    await buildGoModule({ ...tool, env, log });
    log(`built ${tool.what} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result(true);
  });
}
