import { parseArgs } from 'node:util';
import {
  infraStatus,
  installDeployTools,
  installInfra,
  PROFILES,
  startInfra,
  stopInfra,
  STORE_KINDS,
  type ComponentStatus,
  type Profile,
  type StoreKind,
} from '@wabus/infra';
import { UsageError } from '../usage-error.ts';

const log = (msg: string) => process.stderr.write(`[infra] ${msg}\n`);

export function parseProfile(value: string | undefined): Profile {
  if (value === undefined) return 'dev';
  const profile = PROFILES.find((p) => p === value);
  if (profile !== undefined) return profile;
  throw new UsageError(`--profile expects ${PROFILES.join(', ')}, got ${JSON.stringify(value)}`);
}

export function parseStore(value: string | undefined): StoreKind {
  if (value === undefined) return 'mongo';
  const store = STORE_KINDS.find((s) => s === value);
  if (store !== undefined) return store;
  throw new UsageError(`--store expects ${STORE_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
}

const statusLine = (name: string, s: ComponentStatus) =>
  `${name.padEnd(8)} ${s.state.padEnd(8)} ${s.address ?? ''}${s.pid ? `  pid ${s.pid}` : ''}${s.logFile ? `  log ${s.logFile}` : ''}${s.dataDir ? `  data ${s.dataDir}` : ''}`;

/** A component's line, and for the cluster profile's Kafka one more per node. */
const line = (name: string, s: ComponentStatus) => [statusLine(name, s), ...(s.nodes ?? []).map((n) => statusLine(`  ${name}-${n.nodeId}`, n))].join('\n');

export async function infraCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { profile: { type: 'string' }, store: { type: 'string' } }, strict: true });
  const profile = parseProfile(values.profile);
  const store = parseStore(values.store);
  if (values.store !== undefined && sub !== 'up') throw new UsageError(`--store is an option of infra up only`);
  switch (sub) {
    case 'install': {
      const r = await installInfra({ log });
      console.log(
        `Kafka ${r.kafka.version}, mongo-java-server ${r.mongo.version} and SecantusDB ${r.secantus.version} ready in ${r.cacheDir} (${r.durationMs} ms)`,
      );
      return 0;
    }
    case 'tools': {
      const r = await installDeployTools({ log });
      console.log(
        `helm ${r.helm.version} (${r.helm.binary}), hadolint ${r.hadolint.version} (${r.hadolint.binary}) and promtool ${r.promtool.version} (${r.promtool.binary}) ready`,
      );
      return 0;
    }
    case 'up': {
      const r = await startInfra({ profile, store, log });
      console.log(line('kafka', r.kafka));
      console.log(line(r.store, r.mongo));
      console.log(`KAFKA_BROKERS=${r.kafkaBrokers.join(',')}`);
      console.log(`MONGODB_URI=${r.mongoUri}`);
      return 0;
    }
    case 'down':
      await stopInfra({ profile, log });
      console.log(`profile ${profile}: stopped`);
      return 0;
    case 'status': {
      const s = await infraStatus({ profile });
      console.log(line('kafka', s.kafka));
      console.log(line('mongo', s.mongo));
      console.log(line('secantus', s.secantus));
      return 0;
    }
    default:
      throw new UsageError(`unknown infra command ${JSON.stringify(sub ?? '')}`);
  }
}
