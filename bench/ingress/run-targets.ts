import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTopics, createKafka, loadTopicDefinitions, type TopicDefinition } from '@wabus/kafka';
import { consumerServices } from '@wabus/service/registry';
import { summarizeCpuProfiles, type ProfileSummary } from '../lib/cpu-profile.ts';
import { readCpuSeconds } from '../lib/proc-stats.ts';
import type { BenchContext } from '../section.ts';
import type { IngressCounts } from './ingress-report.ts';
import { startLoadgen, type Loadgen } from './loadgen-client.ts';
import { promSample } from './measure-target.ts';
import { topicLike, type TargetEnv, type TargetName, type TargetSpec, type TopicKind } from './targets.ts';

const POOL_SIZE = 10_000;
const PARTITIONS = 12;

/** What a section measuring ingress targets gets: the load generator and, per target, its environment and topics. */
export interface IngressRig {
  loadgen: Loadgen;
  /** A target's environment but its port: its own topics, log file, and `--cpu-prof` for the profiled one. */
  envOf(target: TargetSpec): Omit<TargetEnv, 'port'>;
  kafkaPid: number | undefined;
  /** 1-minute load average just before the first target started. */
  loadBefore: number;
  /** Records an ingress target wrote to its topics, and its own count of 200s (from its GET /metrics text). */
  counts(target: TargetSpec, metrics: string | undefined): Promise<IngressCounts>;
}

export interface RigReport {
  poolSize: number;
  bodyBytes: number;
  loadBefore: number;
  /** The Kafka process sampled at the start was gone at the end: something restarted the shared broker. */
  kafkaReplaced: boolean;
  profile: ProfileSummary | undefined;
}

/**
 * Sets up what measuring `targets` needs and tears it down again: their topics on the shared bench Kafka
 * (`bench.<run>.<target>.<kind>`, the production configs under bench-only names, deleted afterwards), one load
 * generator with its pool of signed bodies, a directory for logs (kept when something failed) and CPU profiles of
 * the `profiled` target under `--cpu-prof`.
 */
export async function withIngressRig<T>(
  ctx: BenchContext,
  opts: { targets: readonly TargetSpec[]; profiled: TargetName },
  use: (rig: IngressRig) => Promise<T>,
): Promise<{ value: T; report: RigReport }> {
  const { targets } = opts;
  const infra = await ctx.infra();
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const topicName = (target: TargetName, kind: TopicKind) => `bench.${runId}.${target}.${kind}`;
  const topicsOf = new Map<TargetName, Partial<Record<TopicKind, string>>>(
    targets.map((t) => [t.name, Object.fromEntries(t.topics.map((k) => [k, topicName(t.name, k)]))]),
  );
  const allTopics = targets.flatMap((t) => t.topics.map((k) => ({ kind: k, name: topicName(t.name, k) })));
  const defs = await loadTopicDefinitions(join(ctx.root, 'infra', 'topics.json'), { consumers: consumerServices().map((s) => s.name) });
  const like = (prod: string, name: string): TopicDefinition => {
    const def = defs.find((d) => d.name === prod);
    if (!def) throw new Error(`infra/topics.json has no ${prod}`);
    return { ...def, name, partitions: PARTITIONS, replicationFactor: 1, config: { ...def.config, 'min.insync.replicas': '1' } };
  };

  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const dir = await mkdtemp(join(tmpdir(), 'wabus-bench-'));
  const profDir = join(dir, 'cpu-prof');
  if (ctx.cpuProf) await mkdir(profDir, { recursive: true });
  const recordCount = async (topic: string): Promise<number> => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  };
  let ok = false;
  try {
    await applyTopics(
      admin,
      allTopics.map((t) => like(topicLike[t.kind], t.name)),
    );
    ctx.log(`topics ${allTopics.map((t) => t.name).join(', ')} (${PARTITIONS} partitions)`);
    const secret = randomBytes(16).toString('hex');
    const loadgen = await startLoadgen({ cwd: ctx.root, secret, poolSize: POOL_SIZE, seed: runId });
    ctx.log(`load generator ready: ${loadgen.pool.size} signed bodies of ~${loadgen.pool.bodyBytes} bytes in ${loadgen.pool.ms.toFixed(0)} ms`);
    const loadBefore = loadavg()[0] ?? 0;
    let value: T;
    try {
      value = await use({
        loadgen,
        kafkaPid: infra.kafkaPid,
        loadBefore,
        envOf: (target) => ({
          root: ctx.root,
          secret,
          kafkaBrokers: infra.kafkaBrokers,
          topics: topicsOf.get(target.name) ?? {},
          logFile: join(dir, `${target.name}.log`),
          ...(ctx.cpuProf && target.name === opts.profiled ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
        }),
        async counts(target, metrics) {
          const own = topicsOf.get(target.name) ?? {};
          if (own.raw === undefined || own.events === undefined) throw new Error(`${target.name} has no raw/events topics`);
          return {
            target: target.name,
            events: await recordCount(own.events),
            raw: await recordCount(own.raw),
            serverAccepted: metrics === undefined ? undefined : promSample(metrics, 'wabus_ingress_requests_total{outcome="accepted"}'),
          };
        },
      });
    } finally {
      await loadgen.close();
    }
    const kafkaReplaced = infra.kafkaPid !== undefined && readCpuSeconds(infra.kafkaPid) === undefined;
    if (kafkaReplaced) ctx.log('the Kafka process changed during the run: numbers are disturbed');
    const profile = ctx.cpuProf ? await summarizeCpuProfiles(profDir) : undefined;
    ok = true;
    return { value, report: { poolSize: loadgen.pool.size, bodyBytes: loadgen.pool.bodyBytes, loadBefore, kafkaReplaced, profile } };
  } finally {
    await admin
      .deleteTopics({ topics: allTopics.map((t) => t.name), timeout: 15_000 })
      .catch((err: Error) => ctx.log(`could not delete bench topics: ${err.message}`));
    await admin.disconnect();
    // Profiles are kept to open in Chrome DevTools; logs only when something failed.
    if (ok && !ctx.cpuProf) await rm(dir, { recursive: true, force: true });
    else ctx.log(`server logs${ctx.cpuProf ? ' and CPU profiles' : ''} kept in ${dir}`);
  }
}
