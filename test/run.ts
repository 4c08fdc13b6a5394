/**
 * The one test command: `pnpm test` (all tiers), `pnpm test:unit|int|e2e`.
 * Integration and e2e tiers need Kafka and the store: unless KAFKA_BROKERS and MONGODB_URI are set, this starts
 * the `test` infra profile (in-memory store, fresh Kafka log), runs the tests, and stops what it started.
 * Node 20's test runner takes no globs, so the files are collected here.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { infraStatus, startInfra, stopInfra } from '@wabus/infra';

const root = fileURLToPath(new URL('..', import.meta.url));
const tiers = { unit: '.unit.test.ts', int: '.int.test.ts', e2e: '.e2e.test.ts' } as const;
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
const selected: Tier[] = arg === 'all' ? ['unit', 'int', 'e2e'] : arg in tiers ? [arg as Tier] : [];
if (selected.length === 0) {
  console.error(`usage: node test/run.ts [all|unit|int|e2e] (got ${arg})`);
  process.exit(2);
}
const files = ['packages', 'services', 'infra', 'bench', 'test'].flatMap((d) => collect(join(root, d), selected.map((t) => tiers[t]))).sort();
const needsInfra = selected.some((t) => t !== 'unit');

let startedHere = false;
const env = { ...process.env };
if (needsInfra) {
  const before = await infraStatus({ profile: 'test' });
  const r = await startInfra({ profile: 'test', log: (m) => console.error(`[infra] ${m}`) });
  startedHere = before.kafka.state === 'stopped' || before.mongo.state === 'stopped';
  env['KAFKA_BROKERS'] = r.kafkaBrokers.join(',');
  env['MONGODB_URI'] = r.mongoUri;
  // Tests that stop the broker on purpose may do so only with one this profile runs, never an external cluster.
  if (r.kafka.state !== 'external') env['WABUS_INFRA_PROFILE'] = 'test';
}

// One file at a time: integration tests share one broker, and some stop it on purpose (fault tests).
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const code: number = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
if (startedHere && !process.env['WABUS_KEEP_INFRA']) await stopInfra({ profile: 'test' });
process.exit(code);
