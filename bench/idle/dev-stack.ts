import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceFacts } from '@wabus/service/registry';
import { processExists } from '@wabus/testing/process-tree';
import { descendantPids, freePort, readComm } from '../lib/proc-stats.ts';

export interface DevStack {
  /** The launcher (`wabus dev`). */
  dev: ChildProcess;
  /** Each service's port and its pid (the process the launcher started). */
  services: { name: string; port: number; pid: number }[];
  /** SIGTERM to the launcher (as Ctrl-C), then waits until it and every service exited; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `wabus dev --no-viewer` of the checkout in `root`, as a developer runs it, against the bench's Kafka and store:
 * its services through the registry, their ports free ones, auto-reply and crm-sync talking to the bench's
 * stand-ins. Ready once every service answers GET /readyz 200.
 */
export async function startDevStack(o: {
  root: string;
  registry: ServiceFacts[];
  kafkaBrokers: string[];
  mongoUri: string;
  graphUrl: string;
  crmUrl: string;
  logFile: string;
  timeoutMs: number;
}): Promise<DevStack> {
  const ports = new Map<string, number>();
  for (const s of o.registry) ports.set(s.name, await freePort());
  const fd = openSync(o.logFile, 'a');
  // A checkout from before tsx left (the baseline) still starts its services through it.
  const tsx = existsSync(join(o.root, 'node_modules', 'tsx')) ? ['--import', 'tsx'] : [];
  const dev = spawn(process.execPath, [...tsx, join(o.root, 'packages', 'cli', 'src', 'main.ts'), 'dev', '--no-viewer'], {
    cwd: o.root,
    env: {
      ...process.env,
      KAFKA_BROKERS: o.kafkaBrokers.join(','),
      MONGODB_URI: o.mongoUri,
      ...Object.fromEntries(o.registry.map((s) => [s.portEnv, String(ports.get(s.name))])),
      WHATSAPP_GRAPH_BASE_URL: o.graphUrl,
      CRM_BASE_URL: o.crmUrl,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => dev.once('exit', () => resolve()));
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`wabus dev exited (${dev.exitCode}); see ${o.logFile}`);
    const statuses = await Promise.all(
      [...ports.values()].map((port) =>
        fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
          (r) => r.status,
          () => 0,
        ),
      ),
    );
    if (statuses.every((s) => s === 200)) break;
    if (Date.now() > deadline) throw new Error(`the dev stack was not ready within ${o.timeoutMs} ms (/readyz: ${statuses.join(', ')}); see ${o.logFile}`);
    await sleep(500);
  }
  // The launcher's children are the services (tsx may add an esbuild child under each: it counts as the service's).
  const comm = readComm(dev.pid!);
  const children = descendantPids(dev.pid!).filter((p) => readComm(p) === comm);
  const services = o.registry.map((s) => {
    const pid = children.find((p) => isServiceOf(p, s.name));
    if (pid === undefined) throw new Error(`no process of ${s.name} under wabus dev`);
    return { name: s.name, port: ports.get(s.name)!, pid };
  });
  return {
    dev,
    services,
    async stop(graceMs = 30_000) {
      const pids = [dev.pid!, ...descendantPids(dev.pid!)];
      dev.kill('SIGTERM');
      const timer = setTimeout(() => pids.forEach((p) => killQuietly(p)), graceMs);
      await exited;
      while (pids.some(processExists)) await sleep(100);
      clearTimeout(timer);
    },
  };
}

/** The service a process runs: its entry point (`services/<name>/src/main.ts`) or its name as the CLI's argument. */
function isServiceOf(pid: number, name: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((a) => a.includes(`/services/${name}/`) || a === name);
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}
