import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTopics, createKafka, loadTopicDefinitions, type TopicDefinition } from '@wabus/kafka';
import { ingressReport, type IngressCounts } from './ingress/ingress-report.ts';
import { startLoadgen } from './ingress/loadgen-client.ts';
import { measureTarget, promSample, type Phases, type TargetResult } from './ingress/measure-target.ts';
import { targets, topicLike, type TargetName, type TopicKind } from './ingress/targets.ts';
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
    // Every target gets its own topics (bench.<run>.<target>.<kind>), so each ingress run is reconciled on its own.
    const topicName = (target: TargetName, kind: TopicKind) => `bench.${runId}.${target}.${kind}`;
    const topicsOf = new Map<TargetName, Partial<Record<TopicKind, string>>>(
      targets.map((t) => [t.name, Object.fromEntries(t.topics.map((k) => [k, topicName(t.name, k)]))]),
    );
    const allTopics = targets.flatMap((t) => t.topics.map((k) => ({ kind: k, name: topicName(t.name, k) })));
    // The production definitions (retention, max.message.bytes, ...) under bench-only names.
    const defs = await loadTopicDefinitions(join(ctx.root, 'infra', 'topics.json'));
    const like = (prod: string, name: string): TopicDefinition => {
      const def = defs.find((d) => d.name === prod);
      if (!def) throw new Error(`infra/topics.json has no ${prod}`);
      return { ...def, name, partitions: PARTITIONS, replicationFactor: 1, config: { ...def.config, 'min.insync.replicas': '1' } };
    };
    const benchTopics = allTopics.map((t) => like(topicLike[t.kind], t.name));

    const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench' });
    const admin = kafka.admin();
    await admin.connect();
    const dir = await mkdtemp(join(tmpdir(), 'wabus-bench-'));
    const profDir = join(dir, 'cpu-prof');
    let ok = false;
    try {
      await applyTopics(admin, benchTopics);
      ctx.log(`topics ${allTopics.map((t) => t.name).join(', ')} (${PARTITIONS} partitions)`);
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
                topics: topicsOf.get(target.name) ?? {},
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

      const counts: IngressCounts[] = [];
      for (const t of targets.filter((x) => x.ingress)) {
        const r = results.find((x) => x.name === t.name);
        const own = topicsOf.get(t.name) ?? {};
        if (own.raw === undefined || own.events === undefined) throw new Error(`${t.name} has no raw/events topics`);
        counts.push({
          target: t.name,
          events: await recordCount(admin, own.events),
          raw: await recordCount(admin, own.raw),
          serverAccepted: r?.metrics === undefined ? undefined : promSample(r.metrics, 'wabus_ingress_requests_total{outcome="accepted"}'),
        });
      }
      const kafkaReplaced = infra.kafkaPid !== undefined && readCpuSeconds(infra.kafkaPid) === undefined;
      if (kafkaReplaced) ctx.log('the Kafka process changed during the run: numbers are disturbed');
      let profile: ProfileSummary | undefined;
      if (ctx.cpuProf) profile = await summarizeCpuProfiles(profDir);
      const report = ingressReport({ results, phases, counts, poolSize: loadgen.pool.size, bodyBytes: loadgen.pool.bodyBytes, profile, quick: ctx.quick, loadBefore, kafkaReplaced });
      ok = true;
      return report;
    } finally {
      await admin.deleteTopics({ topics: allTopics.map((t) => t.name), timeout: 15_000 }).catch((err: Error) => ctx.log(`could not delete bench topics: ${err.message}`));
      await admin.disconnect();
      // Profiles are kept to open in Chrome DevTools; logs only when something failed.
      if (ok && !ctx.cpuProf) await rm(dir, { recursive: true, force: true });
      else ctx.log(`server logs${ctx.cpuProf ? ' and CPU profiles' : ''} kept in ${dir}`);
    }
  },
};
