// Thin command line over the infra API, for humans and CI scripts:
//   node infra/src/main.ts install | start [dev|test|cluster] [mongo|secantus] | stop [dev|test|cluster] | status [dev|test|cluster]
// `start` prints the export lines a shell can eval: KAFKA_BROKERS=... MONGODB_URI=...
import { installInfra } from './install-infra.ts';
import { infraStatus } from './infra-status.ts';
import { startInfra } from './start-infra.ts';
import { stopInfra } from './stop-infra.ts';
import { PROFILES, STORE_KINDS, type Profile, type StoreKind } from './types.ts';

const [command, profileArg = 'dev', storeArg = 'mongo'] = process.argv.slice(2);
const log = (msg: string): void => {
  process.stderr.write(`[infra] ${msg}\n`);
};

function profileOf(value: string): Profile {
  const profile = PROFILES.find((p) => p === value);
  if (profile !== undefined) return profile;
  throw new Error(`profile must be ${PROFILES.join(', ')}, got ${value}`);
}

function storeOf(value: string): StoreKind {
  const store = STORE_KINDS.find((s) => s === value);
  if (store !== undefined) return store;
  throw new Error(`store must be ${STORE_KINDS.join(', ')}, got ${value}`);
}

async function run(): Promise<void> {
  const started = Date.now();
  switch (command) {
    case 'install': {
      const result = await installInfra({ log });
      log(`installed in ${result.durationMs} ms (${result.cacheDir})`);
      return;
    }
    case 'start': {
      const result = await startInfra({ profile: profileOf(profileArg), store: storeOf(storeArg), log });
      log(`ready in ${Date.now() - started} ms`);
      process.stdout.write(`export KAFKA_BROKERS=${result.kafkaBrokers.join(',')}\n`);
      process.stdout.write(`export MONGODB_URI='${result.mongoUri}'\n`);
      return;
    }
    case 'stop':
      await stopInfra({ profile: profileOf(profileArg), log });
      return;
    case 'status':
      process.stdout.write(`${JSON.stringify(await infraStatus({ profile: profileOf(profileArg) }), null, 2)}\n`);
      return;
    default:
      throw new Error('usage: main.ts install | start [dev|test|cluster] [mongo|secantus] | stop [dev|test|cluster] | status [dev|test|cluster]');
  }
}

run().catch((err: unknown) => {
  const code = typeof err === 'object' && err !== null && 'code' in err ? ` [${String(err.code)}]` : '';
  process.stderr.write(`[infra] failed${code}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
