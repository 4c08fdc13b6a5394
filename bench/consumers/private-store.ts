import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { installInfra } from '@wabus/infra';
import { freePort } from '../lib/proc-stats.ts';

export interface BenchStore {
  uri: string;
  pid: number;
  heap: string;
  stop(): Promise<void>;
}

/** JVM heap of the bench's store: the test profile's 512 MiB would not hold a 50k-message backlog. */
const HEAP = '2g';

/**
 * The same in-memory mongo-java-server as the test profile (same jar, main class and JVM flags but the heap), for
 * this bench alone: the shared test store has a 512 MiB heap and exits on OutOfMemoryError, and other people's tests
 * use it; a backlog of tens of thousands of message documents would put it at risk. A child of the bench process.
 */
export async function startBenchStore(): Promise<BenchStore> {
  const { mongo } = await installInfra();
  const port = await freePort();
  const java = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
  const child = spawn(
    java,
    [
      '-Xms64m',
      `-Xmx${HEAP}`,
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoWireProtocolHandler=warn',
      '-cp',
      [mongo.classesDir, join(mongo.libsDir, '*')].join(delimiter),
      'WabusMongoServer',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--memory',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (child.pid === undefined) throw new Error('could not start the bench store');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bench store did not start within 30 s')), 30_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('WABUS_MONGO_READY')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bench store exited with ${String(code)}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  child.stderr.resume();
  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    pid: child.pid,
    heap: HEAP,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
