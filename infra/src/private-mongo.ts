import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.ts';
import { resolveInfraArtifacts, type InfraArtifacts } from './infra-artifacts.ts';
import { installInfra } from './install-infra.ts';
import { freePort, isPortOpen } from './port-probe.ts';
import { SECANTUS_URI_OPTIONS } from './profile-layout.ts';
import { terminateProcess } from './process-control.ts';
import { jdkTool } from './run-command.ts';
import { SECANTUS_CONFIG, secantusArgs } from './secantus-component.ts';
import { pingStore } from './store-ping.ts';
import { STORE_KINDS, type StoreKind } from './types.ts';

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

const HOST = '127.0.0.1';

/** The store tests get: `WABUS_TEST_STORE` (set by the runner's SecantusDB tier), else mongo-java-server. */
function testStore(env: NodeJS.ProcessEnv): StoreKind {
  const value = env['WABUS_TEST_STORE'] || 'mongo';
  const store = STORE_KINDS.find((s) => s === value);
  if (store !== undefined) return store;
  throw new InfraError('INFRA_BAD_SETTING', `WABUS_TEST_STORE must be ${STORE_KINDS.join(' or ')}, got ${JSON.stringify(value)}`, {
    variable: 'WABUS_TEST_STORE',
  });
}

interface StoreProcess {
  port: number;
  dir: string;
  tag: string;
  memory: string | undefined;
}

/** The store's command line; `tag` on it, so that terminateProcess knows the pid is still this store. */
function storeCommand(store: StoreKind, a: InfraArtifacts, p: StoreProcess, env: NodeJS.ProcessEnv): { file: string; args: string[] } {
  const { port, dir, tag } = p;
  if (store === 'secantus') {
    const configFile = join(dir, 'secantusd.toml');
    const cacheSize = p.memory ?? '64M';
    return { file: a.secantus.python, args: secantusArgs({ host: HOST, port, configFile, storageDir: join(dir, 'data'), cacheSize, instanceTag: tag }) };
  }
  const classPath = [a.mongo.classesDir, join(a.mongo.libsDir, '*')].join(delimiter);
  return {
    file: jdkTool('java', env),
    args: [
      '-Xms32m',
      `-Xmx${p.memory ?? '256m'}`,
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      `-Dwabus.instance=${tag}`,
      '-cp',
      classPath,
      a.mongo.mainClass,
      '--host',
      HOST,
      '--port',
      String(port),
      '--memory',
    ],
  };
}

/**
 * A store of its own for one test that needs to make the store misbehave (pause it, stop it) without disturbing the
 * shared test store other tests use: mongo-java-server in memory, or SecantusDB in a temporary directory when
 * `store` (default: WABUS_TEST_STORE) says so. `memory` bounds the JVM heap (default 256m) or the WiredTiger cache
 * (default 64M), each in its own unit syntax. Ready when a driver's ping answers; stopped like the profiles' stores
 * (SIGTERM, again after 5 s, SIGKILL after 20 s). A child of the calling process: it dies with it.
 */
export async function startPrivateMongo(opts: { env?: NodeJS.ProcessEnv; store?: StoreKind; memory?: string } = {}): Promise<PrivateMongo> {
  const env = opts.env ?? process.env;
  const store = opts.store ?? testStore(env);
  await installInfra({ env });
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), `wabus-private-${store}-`));
  if (store === 'secantus') await writeFile(join(dir, 'secantusd.toml'), SECANTUS_CONFIG);
  const tag = `private-${store}@${dir}`;
  const { file, args } = storeCommand(store, resolveInfraArtifacts(env), { port, dir, tag, memory: opts.memory }, env);
  const child = spawn(file, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const cleanUp = () => rm(dir, { recursive: true, force: true });
  void exited.then(cleanUp);
  const uri = `mongodb://${HOST}:${port}/?directConnection=true${store === 'secantus' ? SECANTUS_URI_OPTIONS : ''}`;
  const deadline = Date.now() + 30_000;
  while (!((await isPortOpen(HOST, port)) && (await pingStore(uri)))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const why = child.exitCode !== null ? `exited with ${child.exitCode}` : 'did not answer a ping within 30 s';
      throw new Error(`private ${store} store ${why}:\n${stderr}`);
    }
    await sleep(100);
  }
  return {
    uri,
    pid: child.pid!,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await terminateProcess(child.pid!, tag, 20_000);
        await exited;
      }
      await cleanUp();
    },
  };
}
