import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { assignments, instructionsOf, parseDockerfile, substitute, type Instruction, type Stage } from './dockerfile.ts';
import { contextFiles, parseDockerignore } from './dockerignore.ts';
import { DeployCheckError } from './errors.ts';

/** The final stage of a Dockerfile, rebuilt as a directory tree: what its container would see, and how it starts. */
export interface ImageLayout {
  /** The image's `/`, on this machine. */
  root: string;
  /** WORKDIR, inside the image (`/app`). */
  workdir: string;
  env: Record<string, string>;
  /** USER, as written (`1000:1000`); undefined: root. */
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
}

export interface LayoutOptions {
  /** The build context (the repository root); its `.dockerignore` applies. */
  context: string;
  dockerfile: string;
  /** An empty directory to build in. */
  out: string;
  /** The pnpm on this machine, for the RUN lines that call pnpm (its store already holds every package). */
  pnpm: string;
  /** Its version: the RUN line that installs pnpm must install this one. */
  pnpmVersion: string;
}

interface StageState {
  dir: string;
  workdir: string;
  vars: Record<string, string>;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
}

const unsupported = (ins: Instruction, why: string) =>
  new DeployCheckError('WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED', { message: `Dockerfile line ${ins.line} (${ins.keyword} ${ins.text}): ${why}` });

/** An image path (absolute, or relative to WORKDIR) on this machine, under the stage's directory. */
const onHost = (s: StageState, p: string) => join(s.dir, posix.resolve(s.workdir, p));

function copyFromContext(s: StageState, ins: Instruction, sources: string[], dest: string, files: string[], context: string) {
  const intoDir = dest.endsWith('/') || sources.length > 1 || dest === '.';
  for (const src of sources) {
    if (/[*?[]/.test(src)) throw unsupported(ins, 'wildcards in COPY sources are not reproduced');
    const prefix = src === '.' ? '' : src.replace(/^\.\//, '').replace(/\/$/, '');
    const matched = files.filter((f) => prefix === '' || f === prefix || f.startsWith(`${prefix}/`));
    if (matched.length === 0) throw unsupported(ins, `${src} is not in the build context (or .dockerignore leaves it out)`);
    const isFile = matched.length === 1 && matched[0] === prefix;
    for (const f of matched) {
      const rel = isFile ? posix.basename(f) : f.slice(prefix === '' ? 0 : prefix.length + 1);
      const target = isFile && !intoDir ? onHost(s, dest) : join(onHost(s, dest), rel);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(context, f), target, { verbatimSymlinks: true });
    }
  }
}

function run(s: StageState, ins: Instruction, o: LayoutOptions) {
  const command = substitute(ins.text, s.vars);
  const npmPnpm = /^npm install (?:--[\w-]+ )*pnpm@(\S+)$/.exec(command);
  if (npmPnpm) {
    if (npmPnpm[1] !== o.pnpmVersion) throw unsupported(ins, `installs pnpm ${npmPnpm[1]}; this machine's pnpm, which reproduces it, is ${o.pnpmVersion}`);
    return; // The machine's pnpm stands in for it.
  }
  const pnpm = /^pnpm (fetch|install)((?: --[\w-]+)*)$/.exec(command);
  if (!pnpm) throw unsupported(ins, 'only the RUN lines that install pnpm or run `pnpm fetch` / `pnpm install` are reproduced');
  const args = [
    pnpm[1]!,
    ...pnpm[2]!
      .trim()
      .split(' ')
      .filter((a) => a !== ''),
  ];
  // The store on this machine holds every package of the lockfile: nothing is downloaded.
  if (!args.includes('--offline')) args.push('--offline');
  const r = spawnSync(o.pnpm, args, { cwd: onHost(s, '.'), env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
  if (r.status !== 0)
    throw new DeployCheckError('WABUS_DEPLOY_TOOL_FAILED', { message: `pnpm ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}` });
}

function buildStage(stage: Stage, index: number, built: Map<string, StageState>, globals: Record<string, string>, o: LayoutOptions, files: string[]) {
  const s: StageState = {
    dir: join(o.out, `stage-${index}`),
    workdir: '/',
    vars: { ...globals },
    env: {},
    user: undefined,
    entrypoint: [],
    cmd: [],
  };
  mkdirSync(s.dir, { recursive: true });
  for (const ins of stage.instructions) {
    switch (ins.keyword) {
      case 'ARG':
        for (const [k, v] of Object.entries(assignments(ins))) s.vars[k] = v !== '' ? substitute(v, s.vars) : (globals[k] ?? '');
        break;
      case 'ENV':
        for (const [k, v] of Object.entries(assignments(ins))) s.env[k] = s.vars[k] = substitute(v, s.vars);
        break;
      case 'WORKDIR':
        s.workdir = posix.resolve(s.workdir, substitute(ins.args[0] ?? '/', s.vars));
        mkdirSync(onHost(s, '.'), { recursive: true });
        break;
      case 'COPY': {
        const words = ins.args.map((a) => substitute(a, s.vars));
        const dest = words.at(-1)!;
        const sources = words.slice(0, -1);
        // --chown, --chmod, --link would change what the image's user may write: not reproduced, so refused.
        const other = Object.keys(ins.flags).filter((f) => f !== 'from');
        if (other.length > 0) throw unsupported(ins, `COPY --${other.join(', --')} is not reproduced`);
        const from = ins.flags['from'];
        if (from === undefined) copyFromContext(s, ins, sources, dest, files, o.context);
        else {
          const stage = built.get(from);
          if (!stage) throw unsupported(ins, `no earlier stage named ${from}`);
          for (const src of sources) cpSync(onHost(stage, src), onHost(s, dest), { recursive: true, verbatimSymlinks: true });
        }
        break;
      }
      case 'RUN':
        run(s, ins, o);
        break;
      case 'USER':
        s.user = ins.args[0];
        break;
      case 'ENTRYPOINT':
      case 'CMD':
        if (!ins.json) throw unsupported(ins, 'write it in the exec (JSON) form');
        if (ins.keyword === 'ENTRYPOINT') s.entrypoint = ins.args;
        else s.cmd = ins.args;
        break;
      // Metadata: nothing of them reaches the file system or how the container starts. (HEALTHCHECK does: a command
      // the check would not run, so it is refused below like any other instruction.)
      case 'LABEL':
      case 'EXPOSE':
        break;
      default:
        throw unsupported(ins, 'not reproduced by the image check');
    }
  }
  // `COPY --from=` names a stage by its name or by its index.
  if (stage.name !== undefined) built.set(stage.name, s);
  built.set(String(index), s);
  return s;
}

/**
 * Builds the Dockerfile's stages without Docker: each stage is a directory, COPY copies what the build context (with
 * .dockerignore applied) or an earlier stage holds, and the RUN lines that install dependencies run with this
 * machine's pnpm against its store. The base image's Node is this process's binary, put where the image has it
 * (`/usr/local/bin/node`). Anything else in the file is refused, so the check never silently skips a step.
 */
export function buildImageLayout(o: LayoutOptions): ImageLayout {
  const parsed = parseDockerfile(readFileSync(o.dockerfile, 'utf8'));
  const globals: Record<string, string> = {};
  for (const a of parsed.globalArgs) Object.assign(globals, assignments(a));
  const ignore = existsSync(join(o.context, '.dockerignore')) ? parseDockerignore(readFileSync(join(o.context, '.dockerignore'), 'utf8')) : [];
  const files = contextFiles(o.context, ignore);
  const built = new Map<string, StageState>();
  let last: StageState | undefined;
  parsed.stages.forEach((stage, i) => (last = buildStage(stage, i, built, globals, o, files)));
  if (!last) throw new DeployCheckError('WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED', { message: 'the Dockerfile has no FROM' });
  const node = join(last.dir, 'usr', 'local', 'bin', 'node');
  mkdirSync(dirname(node), { recursive: true });
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  // Readable by the image's user when the check runs it as that user.
  for (let d = last.dir; d.startsWith(o.out) && d !== dirname(o.out); d = dirname(d)) chmodSync(d, statSync(d).mode | 0o755);
  return {
    root: last.dir,
    workdir: last.workdir,
    env: last.env,
    user: last.user,
    entrypoint: last.entrypoint,
    cmd: last.cmd,
  };
}

/** The instructions of the final stage with a keyword (for assertions on the Dockerfile as written). */
export const finalStageInstructions = (dockerfile: string, keyword: string): Instruction[] =>
  instructionsOf(parseDockerfile(readFileSync(dockerfile, 'utf8')).stages.at(-1)!, keyword);
