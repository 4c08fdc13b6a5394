import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DeployCheckError } from './errors.ts';
import type { ImageLayout } from './image-layout.ts';

/** A container of the image, as a process on this machine. */
export interface ImageProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGTERM, as an orchestrator stops a container; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the image's ENTRYPOINT with `args` in place of CMD (none: CMD as written), the way a container starts: in
 * WORKDIR, with only the image's ENV and `env`, PATH leading to the image's Node and nothing else of this machine's
 * (no tsx, no pnpm), as the image's USER when this process may switch to it (root).
 */
export function runImage(layout: ImageLayout, args: string[] | undefined, env: Record<string, string> = {}): ImageProcess {
  const [program, ...entryArgs] = layout.entrypoint;
  if (program !== 'node') throw new DeployCheckError('WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED', { message: `ENTRYPOINT starts ${program}, not node` });
  const [uid, gid] = (layout.user ?? '').split(':').map(Number);
  const switchUser = process.getuid?.() === 0 && Number.isInteger(uid);
  const child = spawn(join(layout.root, 'usr/local/bin/node'), [...entryArgs, ...(args ?? layout.cmd)], {
    cwd: join(layout.root, layout.workdir),
    env: { PATH: `${join(layout.root, 'usr/local/bin')}:/usr/bin:/bin`, HOME: '/nonexistent', ...layout.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(switchUser ? { uid: uid!, gid: Number.isInteger(gid) ? gid! : uid! } : {}),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return {
    child,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs to the end (SIGKILL after `timeoutMs`). */
export async function runImageToEnd(layout: ImageLayout, args: string[] | undefined, env: Record<string, string> = {}, timeoutMs = 60_000) {
  const p = runImage(layout, args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
