/**
 * The one test command: `pnpm test` (all tiers), `pnpm test:unit|int|e2e|fuzz|cluster|secantus`.
 * Integration and e2e tiers need Kafka and the store: unless KAFKA_BROKERS and MONGODB_URI are set, this starts
 * the `test` infra profile (in-memory store, fresh Kafka log), runs the tests, and stops what it started. The
 * cluster tier (`*.cluster.test.ts`) does the same with the `cluster` profile (three brokers) unless KAFKA_BROKERS
 * is set. The secantus tier runs the integration and e2e files that use the store again, on SecantusDB
 * (test/secantus-tier.ts), unless MONGODB_URI is set.
 * Node 20's test runner takes no globs, so the files are collected here.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraStatus, resolveProfileLayout, startInfra, stopComponent, type ComponentName, type Profile, type StoreKind } from '@wabus/infra';
import { SECANTUS_EXCLUDED, secantusTier } from './secantus-tier.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// fuzz: generated bodies by the ten thousand (docs/fuzz.md); it needs the broker and the store like int.
const tiers = { unit: '.unit.test.ts', int: '.int.test.ts', e2e: '.e2e.test.ts', fuzz: '.fuzz.test.ts', cluster: '.cluster.test.ts' } as const;
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
const withSecantus = arg === 'all' || arg === 'secantus';
if (selected.length === 0 && !withSecantus) {
  console.error(`usage: node test/run.ts [all|${Object.keys(tiers).join('|')}|secantus] (got ${arg})`);
  process.exit(2);
}

/**
 * The infra of a profile with `store`, started unless it runs; the environment its tests get; `stop` stops what was
 * started here (and only that). `extra` (variables of the infra scripts) selects another instance, e.g. the test
 * profile's `faults` one, or names the broker (KAFKA_BROKERS) so that only the store is started.
 */
async function useInfra(
  profile: Profile,
  extra: NodeJS.ProcessEnv = {},
  store: StoreKind = 'mongo',
): Promise<{ env: NodeJS.ProcessEnv; external: boolean; stop(): Promise<void> }> {
  const env = { ...process.env, ...extra };
  const before = await infraStatus({ profile, env });
  const r = await startInfra({
    profile,
    env,
    store,
    log: (m) => console.error(`[infra${extra['WABUS_TEST_INSTANCE'] ? `:${extra['WABUS_TEST_INSTANCE']}` : ''}${store === 'mongo' ? '' : `:${store}`}] ${m}`),
  });
  const wasStopped = (state: string) => state === 'stopped' || state === 'degraded';
  const startedHere: ComponentName[] = [];
  if (wasStopped(before.kafka.state) && r.kafka.state !== 'external') startedHere.push('kafka');
  if (wasStopped(before[store].state) && r.mongo.state !== 'external') startedHere.push(store);
  env['KAFKA_BROKERS'] = r.kafkaBrokers.join(',');
  env['MONGODB_URI'] = r.mongoUri;
  const external = r.kafka.state === 'external';
  // Tests that stop a broker on purpose may do so only with one this profile runs, never an external cluster.
  if (!external) env['WABUS_INFRA_PROFILE'] = profile;
  const stop = async () => {
    if (process.env['WABUS_KEEP_INFRA']) return;
    await Promise.all(startedHere.map((name) => stopComponent(profile, name, { env })));
  };
  return { env, external, stop };
}

/**
 * The second instance of the test profile, for the files that stop or freeze their broker: its own broker and store,
 * 100 ports above the shared ones (`WABUS_TEST_INSTANCE`, docs/infra.md).
 */
function faultsInstance(): NodeJS.ProcessEnv {
  const shared = resolveProfileLayout('test', process.env);
  return {
    WABUS_TEST_INSTANCE: 'faults',
    WABUS_KAFKA_PORT: String(shared.kafka.port + 100),
    WABUS_MONGO_PORT: String(shared.mongo.port + 100),
    WABUS_SECANTUS_PORT: String(shared.secantus.port + 100),
  };
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
 * Unit, integration and e2e files on the `test` profile's broker, three files at a time, then `afterShared` (the
 * secantus tier) on that broker; beside them, one at a time, the files that stop, freeze or restart a broker, on a
 * second instance of the test profile (its own broker and store: they take it down on purpose), then the cluster
 * tier on the `cluster` profile (three brokers of its own).
 * Those mostly wait on brokers that are down or electing, so they overlap the shared files instead of following
 * them; their reports are printed whole when they end. Against external Kafka (KAFKA_BROKERS) the broker-fault files
 * run last, on it, and refuse to touch it. Unit files alone need no infra.
 */
async function runSingle(runTiers: Tier[], then: () => Promise<number>, afterShared: (env: NodeJS.ProcessEnv) => Promise<number>): Promise<number> {
  const files = filesOf(runTiers);
  if (!runTiers.some((t) => t !== 'unit')) return Math.max(await runFiles(files, CONCURRENCY, process.env), await then());
  const faults = files.filter(stopsTheBroker);
  const shared = longestFirst(files.filter((f) => !faults.includes(f)));
  const infra = await useInfra('test');
  const sharedThenSecantus = async () => Math.max(await runFiles(shared, CONCURRENCY, infra.env), await afterShared(infra.env));
  try {
    if (infra.external) {
      const code = await sharedThenSecantus();
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
    const codes = await Promise.all([sharedThenSecantus(), onOwnBroker().then(async (code) => Math.max(code, await then()))]);
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
 * The secantus tier on the test profile's broker (`shared`: the shared phase's environment; absent when the tier runs
 * alone) and SecantusDB, three files at a time, after the shared files: on 2 cores it would only slow them down.
 * With MONGODB_URI set, the store is the user's: the tier does not run, and says so.
 */
async function runSecantus(shared?: NodeJS.ProcessEnv): Promise<number> {
  if (process.env['MONGODB_URI']?.trim()) {
    console.error('[secantus] MONGODB_URI is set: the SecantusDB tier runs only against a store this runner starts; not run');
    return 0;
  }
  for (const x of SECANTUS_EXCLUDED) console.error(`[secantus] not run on SecantusDB: ${x.file}: ${x.reason}`);
  const broker = shared?.['KAFKA_BROKERS'];
  const infra = await useInfra('test', broker === undefined ? {} : { KAFKA_BROKERS: broker }, 'secantus');
  try {
    return await runFiles(secantusRun, CONCURRENCY, { ...infra.env, WABUS_TEST_STORE: 'secantus' });
  } finally {
    await infra.stop();
  }
}

/**
 * The files that take a minute or more (replicas under churn, crash loops, whole-system e2e runs) first, so that the
 * short ones fill the gaps beside them instead of one long file running alone at the end.
 */
const LONG = /replicas|sigkill|crash-recovery|exactly-once|\.e2e\.|\.fuzz\./;
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

// One seed for every fuzz file of the run (each prints it too): WABUS_FUZZ_SEED=<it> replays them all (docs/fuzz.md).
if (selected.includes('fuzz') && !process.env['WABUS_FUZZ_SEED']) process.env['WABUS_FUZZ_SEED'] = String(randomInt(2 ** 31 - 1));
if (selected.includes('fuzz')) console.error(`[fuzz] WABUS_FUZZ_SEED=${process.env['WABUS_FUZZ_SEED']}`);

// A failing phase does not stop the next: CI reports every tier.
const single = selected.filter((t) => t !== 'cluster');
const cluster = selected.includes('cluster') ? runCluster : async () => 0;
// Selected before anything runs: a store file that stops its broker and is not excluded fails the run at once.
const secantusRun = withSecantus ? longestFirst(secantusTier(root, filesOf(['int', 'e2e']), stopsTheBroker)) : [];
const secantus = withSecantus ? runSecantus : async () => 0;
const exitCode = single.length > 0 ? await runSingle(single, cluster, secantus) : Math.max(await cluster(), await secantus());
process.exit(exitCode);
