/**
 * The one test command: `pnpm test` (all tiers), `pnpm test:unit|int|e2e|cluster`.
 * Integration and e2e tiers need Kafka and the store: unless KAFKA_BROKERS and MONGODB_URI are set, this starts
 * the `test` infra profile (in-memory store, fresh Kafka log), runs the tests, and stops what it started. The
 * cluster tier (`*.cluster.test.ts`) does the same with the `cluster` profile (three brokers) unless KAFKA_BROKERS
 * is set.
 * Node 20's test runner takes no globs, so the files are collected here.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraStatus, resolveProfileLayout, startInfra, stopInfra, type Profile } from '@wabus/infra';

const root = fileURLToPath(new URL('..', import.meta.url));
const tiers = { unit: '.unit.test.ts', int: '.int.test.ts', e2e: '.e2e.test.ts', cluster: '.cluster.test.ts' } as const;
type Tier = keyof typeof tiers;

function collect(dir: string, suffixes: string[], out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, suffixes, out);
    else if (suffixes.some((s) => name.endsWith(s))) out.push(relative(root, p));
  }
  return out;
}

const arg = process.argv[2] ?? 'all';
const selected: Tier[] = arg === 'all' ? (Object.keys(tiers) as Tier[]) : arg in tiers ? [arg as Tier] : [];
if (selected.length === 0) {
  console.error(`usage: node test/run.ts [all|${Object.keys(tiers).join('|')}] (got ${arg})`);
  process.exit(2);
}

/**
 * The infra of a profile, started unless it runs; the environment its tests get; `stop` stops what was started here.
 * `extra` (variables of the infra scripts) selects another instance, e.g. the test profile's `faults` one.
 */
async function useInfra(profile: Profile, extra: NodeJS.ProcessEnv = {}): Promise<{ env: NodeJS.ProcessEnv; external: boolean; stop(): Promise<void> }> {
  const env = { ...process.env, ...extra };
  const before = await infraStatus({ profile, env });
  const r = await startInfra({
    profile,
    env,
    log: (m) => console.error(`[infra${extra['WABUS_TEST_INSTANCE'] ? `:${extra['WABUS_TEST_INSTANCE']}` : ''}] ${m}`),
  });
  const startedHere = [before.kafka.state, before.mongo.state].some((s) => s === 'stopped' || s === 'degraded');
  env['KAFKA_BROKERS'] = r.kafkaBrokers.join(',');
  env['MONGODB_URI'] = r.mongoUri;
  const external = r.kafka.state === 'external';
  // Tests that stop a broker on purpose may do so only with one this profile runs, never an external cluster.
  if (!external) env['WABUS_INFRA_PROFILE'] = profile;
  return { env, external, stop: async () => void (startedHere && !process.env['WABUS_KEEP_INFRA'] && (await stopInfra({ profile, env }))) };
}

/**
 * The second instance of the test profile, for the files that stop or freeze their broker: its own broker and store,
 * 100 ports above the shared ones (`WABUS_TEST_INSTANCE`, docs/infra.md).
 */
function faultsInstance(): NodeJS.ProcessEnv {
  const shared = resolveProfileLayout('test', process.env);
  return { WABUS_TEST_INSTANCE: 'faults', WABUS_KAFKA_PORT: String(shared.kafka.port + 100), WABUS_MONGO_PORT: String(shared.mongo.port + 100) };
}

const filesOf = (runTiers: Tier[]) =>
  ['packages', 'services', 'infra', 'bench', 'test']
    .flatMap((d) =>
      collect(
        join(root, d),
        runTiers.map((t) => tiers[t]),
      ),
    )
    .sort();

/**
 * Unit, integration and e2e files on the `test` profile's broker, three files at a time; beside them, one at a time,
 * the files that stop, freeze or restart a broker, on a second instance of the test profile (its own broker and
 * store: they take it down on purpose), then the cluster tier on the `cluster` profile (three brokers of its own).
 * Those mostly wait on brokers that are down or electing, so they overlap the shared files instead of following
 * them; their reports are printed whole when they end. Against external Kafka (KAFKA_BROKERS) the broker-fault files
 * run last, on it, and refuse to touch it. Unit files alone need no infra.
 */
async function runSingle(runTiers: Tier[], then: () => Promise<number>): Promise<number> {
  const files = filesOf(runTiers);
  if (!runTiers.some((t) => t !== 'unit')) return Math.max(await runFiles(files, CONCURRENCY, process.env), await then());
  const faults = files.filter(stopsTheBroker);
  const shared = longestFirst(files.filter((f) => !faults.includes(f)));
  const infra = await useInfra('test');
  try {
    if (infra.external) {
      const code = await runFiles(shared, CONCURRENCY, infra.env);
      return Math.max(code, await runFiles(faults, 1, infra.env), await then());
    }
    const onOwnBroker = async () => {
      if (faults.length === 0) return 0;
      const own = await useInfra('test', faultsInstance());
      try {
        return await runFiles(faults, 1, own.env, { buffered: true });
      } finally {
        await own.stop();
      }
    };
    // The broker-fault files, then the cluster tier: one JVM set starting at a time beside the shared files.
    const codes = await Promise.all([runFiles(shared, CONCURRENCY, infra.env), onOwnBroker().then(async (code) => Math.max(code, await then()))]);
    return Math.max(...codes);
  } finally {
    await infra.stop();
  }
}

/** The cluster tier; its report is printed whole once it ends (it runs beside the broker-fault files). */
async function runCluster(): Promise<number> {
  const infra = await useInfra('cluster');
  try {
    return await runFiles(filesOf(['cluster']), 1, infra.env, { buffered: true });
  } finally {
    await infra.stop();
  }
}

/**
 * The files that take a minute or more (replicas under churn, crash loops, whole-system e2e runs) first, so that the
 * short ones fill the gaps beside them instead of one long file running alone at the end.
 */
const LONG = /replicas|sigkill|crash-recovery|exactly-once|\.e2e\./;
const longestFirst = (files: string[]) => [...files.filter((f) => LONG.test(f)), ...files.filter((f) => !LONG.test(f))];

/** Test files at once beside the broker-fault ones (WABUS_TEST_CONCURRENCY, default 3). */
const CONCURRENCY = Math.max(1, Number(process.env['WABUS_TEST_CONCURRENCY'] ?? 3) || 1);

/**
 * A file that takes the shared broker down: it controls the broker's process (stops, starts or signals it). A file
 * that only proxies the broker's fault listener shares it like any other.
 */
function stopsTheBroker(file: string): boolean {
  return /\b(stopComponent|startComponent|signalComponent|signalKafkaNode)\b/.test(readFileSync(join(root, file), 'utf8'));
}

async function runFiles(files: string[], concurrency: number, env: NodeJS.ProcessEnv, o: { buffered?: boolean } = {}): Promise<number> {
  if (files.length === 0) return 0;
  const child = spawn(process.execPath, ['--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
    cwd: root,
    env,
    stdio: o.buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  const out: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => out.push(c));
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  if (o.buffered) process.stdout.write(Buffer.concat(out));
  return code;
}

// A failing phase does not stop the next: CI reports every tier.
const single = selected.filter((t) => t !== 'cluster');
const cluster = selected.includes('cluster') ? runCluster : async () => 0;
const exitCode = single.length > 0 ? await runSingle(single, cluster) : await cluster();
process.exit(exitCode);
