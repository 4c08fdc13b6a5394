import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { resolveInfraArtifacts } from './infra-artifacts.ts';
import { installInfra } from './install-infra.ts';
import { freePort } from './port-probe.ts';
import { jdkTool } from './run-command.ts';

export interface PrivateMongo {
  uri: string;
  pid: number;
  /** SIGSTOP: the store stops answering (an outage without losing anything, unlike SIGKILL). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * An in-memory store of its own for one test that needs to make the store misbehave (pause it, stop it) without
 * disturbing the shared test store other tests use. A child of the calling process: it dies with it.
 */
export async function startPrivateMongo(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<PrivateMongo> {
  const env = opts.env ?? process.env;
  await installInfra({ env });
  const { mongo } = resolveInfraArtifacts(env);
  const port = await freePort();
  const child = spawn(
    jdkTool('java', env),
    [
      '-Xms32m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-cp',
      [mongo.classesDir, join(mongo.libsDir, '*')].join(delimiter),
      mongo.mainClass,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--memory',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('private mongo did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('WABUS_MONGO_READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`private mongo exited with ${code}`)));
  });
  child.stderr!.resume();
  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    pid: child.pid!,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
