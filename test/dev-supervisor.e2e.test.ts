import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { serviceRegistry } from '@wabus/service/registry';
import { descendantPids, processExists, testEnv, waitUntil } from '@wabus/testing';
import { freePort, repoRoot } from './processes.ts';

/** The node processes below `pid` (children, their children...): the services and ingress' workers. */
const nodeDescendants = (pid: number): number[] =>
  descendantPids(pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('main.ts');
    } catch {
      return false; // gone meanwhile
    }
  });

const commandOf = (pid: number) => {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
  } catch {
    return `${pid}`;
  }
};

/** Whether 127.0.0.1:`port` can be bound now (nobody listens there). */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

test('wabus dev SIGKILLed: every service it started, and ingress’ workers, stops by itself and frees its port', async (t) => {
  const services = serviceRegistry();
  const ports = new Map<string, number>();
  for (const s of services) ports.set(s.name, await freePort());
  const dev = spawn(process.execPath, ['packages/cli/src/main.ts', 'dev', '--no-viewer'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
      MONGODB_URI: testEnv().mongoUri,
      ...Object.fromEntries(services.map((s) => [s.portEnv, String(ports.get(s.name))])),
      // Ingress as a node:cluster primary and two workers: the workers must not outlive it either.
      INGRESS_WORKERS: '2',
      // No stand-ins on dev's fixed ports: nothing is sent to these here.
      WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:9',
      CRM_BASE_URL: 'http://127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const s of [dev.stdout, dev.stderr]) s.on('data', (c: Buffer) => output.push(c.toString()));
  let pids: number[] = [];
  t.after(() => {
    for (const p of pids) if (processExists(p)) process.kill(p, 'SIGKILL');
    if (dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL');
  });
  const tail = () => output.join('').slice(-3_000);

  await waitUntil(
    () => `every service answers /healthz:\n${tail()}`,
    async () => {
      const answers = await Promise.all(
        [...ports.values()].map((port) =>
          fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
            (r) => r.status,
            () => 0,
          ),
        ),
      );
      return answers.every((s) => s === 200);
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  await waitUntil(
    () => `${services.length} services and 2 ingress workers under dev, found ${nodeDescendants(dev.pid!).length}`,
    () => nodeDescendants(dev.pid!).length === services.length + 2,
  );
  pids = nodeDescendants(dev.pid!);

  dev.kill('SIGKILL');
  await new Promise((resolve) => dev.once('exit', resolve));

  // Each checks for its supervisor every second, then stops gracefully (a consumer in well under a second).
  await waitUntil(
    () => `every service process gone; still there: ${pids.filter(processExists).map(commandOf).join('; ')}`,
    () => pids.every((p) => !processExists(p)),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  for (const [name, port] of ports) assert.equal(await portFree(port), true, `${name}'s port ${port} is free`);
});
