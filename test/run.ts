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
import { infraStatus, startInfra, stopInfra, type Profile } from '@wabus/infra';

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
 * One test process per infra profile, one after the other: unit, integration and e2e files on the `test` profile
 * (one broker), the cluster tier on the `cluster` profile (three brokers, started once the test profile is stopped:
 * two Kafka profiles at once would share 2 cores). Unit files alone need no infra.
 */
interface Run {
  profile: Profile | undefined;
  tiers: Tier[];
}
const single = selected.filter((t) => t !== 'cluster');
const runs: Run[] = [
  ...(single.length > 0 ? [{ profile: single.some((t) => t !== 'unit') ? ('test' as const) : undefined, tiers: single }] : []),
  ...(selected.includes('cluster') ? [{ profile: 'cluster' as const, tiers: ['cluster' as const] }] : []),
];

async function run({ profile, tiers: runTiers }: Run): Promise<number> {
  const files = ['packages', 'services', 'infra', 'bench', 'test']
    .flatMap((d) =>
      collect(
        join(root, d),
        runTiers.map((t) => tiers[t]),
      ),
    )
    .sort();
  let startedHere = false;
  const env = { ...process.env };
  if (profile !== undefined) {
    const before = await infraStatus({ profile });
    const r = await startInfra({ profile, log: (m) => console.error(`[infra] ${m}`) });
    startedHere = [before.kafka.state, before.mongo.state].some((s) => s === 'stopped' || s === 'degraded');
    env['KAFKA_BROKERS'] = r.kafkaBrokers.join(',');
    env['MONGODB_URI'] = r.mongoUri;
    // Tests that stop a broker on purpose may do so only with one this profile runs, never an external cluster.
    if (r.kafka.state !== 'external') env['WABUS_INFRA_PROFILE'] = profile;
  }
  // Files that stop, freeze or restart the shared broker on purpose run alone, after the others; the others share
  // it and run CONCURRENCY files at a time (most of their time is spent waiting on Kafka and the store).
  const faults = files.filter(stopsTheBroker);
  const shared = files.filter((f) => !faults.includes(f));
  const concurrency = profile === 'cluster' ? 1 : CONCURRENCY;
  let code = await runFiles(shared, concurrency, env);
  if (faults.length > 0) code = Math.max(code, await runFiles(faults, 1, env));
  if (profile !== undefined && startedHere && !process.env['WABUS_KEEP_INFRA']) await stopInfra({ profile });
  return code;
}

/** Test files at once beside the broker-fault ones (WABUS_TEST_CONCURRENCY, default 3). */
const CONCURRENCY = Math.max(1, Number(process.env['WABUS_TEST_CONCURRENCY'] ?? 3) || 1);

/** A file that takes the shared broker down (it names the infra profile whose broker it controls). */
function stopsTheBroker(file: string): boolean {
  return readFileSync(join(root, file), 'utf8').includes('WABUS_INFRA_PROFILE');
}

async function runFiles(files: string[], concurrency: number, env: NodeJS.ProcessEnv): Promise<number> {
  if (files.length === 0) return 0;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
    {
      cwd: root,
      env,
      stdio: 'inherit',
    },
  );
  return new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
}

let exitCode = 0;
for (const r of runs) {
  // A failing run does not stop the next: CI reports every tier.
  const code = await run(r);
  if (exitCode === 0) exitCode = code;
}
process.exit(exitCode);
