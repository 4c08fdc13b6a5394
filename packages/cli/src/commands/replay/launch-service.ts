import { spawn } from 'node:child_process';
import type { LaunchedService } from '@wabus/ops';
import { repoRoot } from '../../repo-paths.ts';
import { serviceFacts, serviceStartArgs } from '@wabus/service/registry';

/** The service's composition root in its own process, as a deploy would start it, with the shadow's settings. */
export function launchService(name: string): (env: Record<string, string>) => LaunchedService {
  const { portEnv } = serviceFacts(name);
  return (env) => {
    const child = spawn(process.execPath, serviceStartArgs(name), {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', [portEnv]: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const keep = (c: Buffer) => {
      tail.push(c.toString());
      if (tail.length > 50) tail.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    return {
      exited,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
      outputTail: () => tail.join('').slice(-4_000),
    };
  };
}
