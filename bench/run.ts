/**
 * `pnpm bench`: runs every benchmark section and rewrites its block in docs/benchmarks.md.
 *   --only a,b    run only these sections (`pnpm bench -- --only ingress`)
 *   --quick       short phases for a fast check; prints the section, writes nothing
 *   --cpu-prof    also CPU-profile the system under test and list its hottest functions; writes nothing
 * Kafka and the store come from the `test` infra profile (reused when running, else started and stopped again),
 * unless KAFKA_BROKERS / MONGODB_URI are set.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { infraStatus, installInfra, startInfra, stopInfra } from '@wabus/infra';
import { bodiesBench } from './bodies.bench.ts';
import { consumersBench } from './consumers.bench.ts';
import { dispatchBench } from './dispatch.bench.ts';
import { idleBench } from './idle.bench.ts';
import { ingressBench } from './ingress.bench.ts';
import { mediaBench } from './media.bench.ts';
import { senderBench } from './sender.bench.ts';
import { slowClientsBench } from './slow-clients.bench.ts';
import { tracingBench } from './tracing.bench.ts';
import { describeMachine } from './machine.ts';
import { renderSection, writeSection } from './report.ts';
import type { BenchContext, BenchInfra, BenchSection } from './section.ts';

const sections: BenchSection[] = [ingressBench, slowClientsBench, bodiesBench, tracingBench, consumersBench, idleBench, mediaBench, senderBench, dispatchBench];

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((n) => !sections.some((s) => s.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = sections.filter((s) => only === undefined || only.includes(s.name));
const log = (msg: string) => console.error(`[bench] ${msg}`);

let infra: Promise<BenchInfra> | undefined;
let startedInfra = false;
const startBenchInfra = async (): Promise<BenchInfra> => {
  const before = await infraStatus({ profile: 'test' });
  const r = await startInfra({ profile: 'test', log: (m) => log(`infra: ${m}`) });
  startedInfra = before.kafka.state === 'stopped' || before.mongo.state === 'stopped';
  const local = r.kafka.state !== 'external';
  return {
    kafkaBrokers: r.kafkaBrokers,
    mongoUri: r.mongoUri,
    kafkaVersion: local ? (await installInfra()).kafka.version : 'external',
    ...(local && r.kafka.pid !== undefined ? { kafkaPid: r.kafka.pid } : {}),
  };
};

const ctx: BenchContext = {
  quick: values.quick,
  cpuProf: values['cpu-prof'],
  root,
  log,
  infra: () => (infra ??= startBenchInfra()),
};
const write = !ctx.quick && !ctx.cpuProf;

let failed = false;
try {
  for (const section of selected) {
    log(`section ${section.name}${ctx.quick ? ' (quick)' : ''}`);
    const date = new Date();
    try {
      const report = await section.run(ctx);
      const kafkaVersion = infra ? (await infra).kafkaVersion : 'not used';
      const block = renderSection({ name: section.name, title: section.title, date, machine: describeMachine(kafkaVersion), report });
      console.log(`${block}\n`);
      if (write) {
        await writeSection(join(root, 'docs', 'benchmarks.md'), section.name, block);
        log(`wrote section ${section.name} to docs/benchmarks.md`);
      }
    } catch (err) {
      failed = true;
      log(`section ${section.name} failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
} finally {
  if (startedInfra && !process.env['WABUS_KEEP_INFRA']) await stopInfra({ profile: 'test' });
}
process.exit(failed ? 1 : 0);
