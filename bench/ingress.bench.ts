import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTopics, createKafka, loadTopicDefinitions, type TopicDefinition } from '@wabus/kafka';
import { ingressReport } from './ingress/ingress-report.ts';
import { startLoadgen } from './ingress/loadgen-client.ts';
import { measureTarget, promSample, type Phases, type TargetResult } from './ingress/measure-target.ts';
import { targets } from './ingress/targets.ts';
import { readCpuSeconds } from './lib/proc-stats.ts';
import { summarizeCpuProfiles, type ProfileSummary } from './lib/cpu-profile.ts';
import type { BenchSection } from './section.ts';

const FULL: Phases = { warmupMs: 3_000, saturateMs: 15_000, rateMs: 15_000, connections: 64, rate: 1_000, maxInFlight: 1_000 };
const QUICK: Phases = { ...FULL, warmupMs: 1_000, saturateMs: 4_000, rateMs: 4_000 };
const POOL_SIZE = 10_000;
const PARTITIONS = 12;

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

async function recordCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Ingress throughput and latency, side by side with a bare fastify route and a naive produce-per-request handler. */
export const ingressBench: BenchSection = {
  name: 'ingress',
  title: 'Ingress: POST /webhook to Kafka',
  async run(ctx) {
    const phases = ctx.quick ? QUICK : FULL;
    const infra = await ctx.infra();
    const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const topics = { raw: `bench.${runId}.raw`, events: `bench.${runId}.events`, naive: `bench.${runId}.naive` };
    // The production definitions (retention, max.message.bytes, ...) under bench-only names.
    const defs = await loadTopicDefinitions(join(ctx.root, 'infra', 'topics.json'));
    const like = (prod: string, name: string): TopicDefinition => {
      const def = defs.find((d) => d.name === prod);
      if (!def) throw new Error(`infra/topics.json has no ${prod}`);
      return { ...def, name, partitions: PARTITIONS, replicationFactor: 1, config: { ...def.config, 'min.insync.replicas': '1' } };
    };
    const benchTopics = [
      like('whatsapp.webhooks.raw.v1', topics.raw),
      like('whatsapp.events.v1', topics.events),
      like('whatsapp.webhooks.raw.v1', topics.naive),
    ];

    const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench' });
    const admin = kafka.admin();
    await admin.connect();
    const dir = await mkdtemp(join(tmpdir(), 'wabus-bench-'));
    const profDir = join(dir, 'cpu-prof');
    let ok = false;
    try {
      await applyTopics(admin, benchTopics);
      ctx.log(`topics ${Object.values(topics).join(', ')} (${PARTITIONS} partitions)`);
      const secret = randomBytes(16).toString('hex');
      const loadgen = await startLoadgen({ cwd: ctx.root, secret, poolSize: POOL_SIZE, seed: runId });
      ctx.log(`load generator ready: ${loadgen.pool.size} signed bodies of ~${loadgen.pool.bodyBytes} bytes in ${loadgen.pool.ms.toFixed(0)} ms`);
      const loadBefore = loadavg()[0] ?? 0;
      const results: TargetResult[] = [];
      try {
        for (const target of targets) {
          const profile = ctx.cpuProf && target.name === 'wabus';
          if (profile) await mkdir(profDir, { recursive: true });
          results.push(
            await measureTarget({
              target,
              env: {
                root: ctx.root,
                secret,
                kafkaBrokers: infra.kafkaBrokers,
                topics,
                logFile: join(dir, `${target.name}.log`),
                ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
              },
              loadgen,
              phases,
              kafkaPid: infra.kafkaPid,
              log: ctx.log,
            }),
          );
        }
      } finally {
        await loadgen.close();
      }

      const wabus = results.find((r) => r.name === 'wabus');
      const counts = {
        events: await recordCount(admin, topics.events),
        raw: await recordCount(admin, topics.raw),
        serverAccepted: wabus?.metrics === undefined ? undefined : promSample(wabus.metrics, 'wabus_ingress_requests_total{outcome="accepted"}'),
      };
      const kafkaReplaced = infra.kafkaPid !== undefined && readCpuSeconds(infra.kafkaPid) === undefined;
      if (kafkaReplaced) ctx.log('the Kafka process changed during the run: numbers are disturbed');
      let profile: ProfileSummary | undefined;
      if (ctx.cpuProf) profile = await summarizeCpuProfiles(profDir);
      const report = ingressReport({ results, phases, counts, poolSize: loadgen.pool.size, bodyBytes: loadgen.pool.bodyBytes, profile, quick: ctx.quick, loadBefore, kafkaReplaced });
      ok = true;
      return report;
    } finally {
      await admin.deleteTopics({ topics: Object.values(topics), timeout: 15_000 }).catch((err: Error) => ctx.log(`could not delete bench topics: ${err.message}`));
      await admin.disconnect();
      // Profiles are kept to open in Chrome DevTools; logs only when something failed.
      if (ok && !ctx.cpuProf) await rm(dir, { recursive: true, force: true });
      else ctx.log(`server logs${ctx.cpuProf ? ' and CPU profiles' : ''} kept in ${dir}`);
    }
  },
};
