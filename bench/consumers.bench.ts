import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateMongo, type PrivateMongo } from '@wabus/infra';
import { applyTopics, createKafka, loadTopicDefinitions, type TopicDefinition } from '@wabus/kafka';
import { consumerServices } from '@wabus/service/registry';
import { highWatermarks } from '@wabus/testing';
import { produceBacklog, type Backlog } from './consumers/backlog.ts';
import { consumersReport, type DrainRun, type E2ERun, type ReplayRun } from './consumers/consumers-report.ts';
import { drainAndReplay, metricsOf, type BenchStore, type DrainEnv } from './consumers/drain-step.ts';
import { machineCpuMeter } from './consumers/machine-cpu.ts';
import { runE2E } from './consumers/e2e.ts';
import { startConsumer, startIngress, type ConsumerName } from './consumers/processes.ts';
import { createStoreClient } from './consumers/store-client.ts';
import { waitForHttp200, type NodeChild } from './lib/node-child.ts';
import { cpuMeter, freePort, readCpuSeconds, readVmMiB } from './lib/proc-stats.ts';
import type { BenchSection } from './section.ts';

export interface ConsumerPhases {
  /** Events in each backlog (one of message kinds, one of statuses). */
  backlogEvents: number;
  /** /v1/lag poll period while a backlog drains, and the bound on one drain. */
  drainPollMs: number;
  drainTimeoutMs: number;
  /** End to end: bodies/s (one item each), warm-up and measured durations. */
  rate: number;
  warmupMs: number;
  e2eMs: number;
  /** Every n-th message and n-th new status is followed until visible. */
  sampleEvery: number;
  probePollMs: number;
  probeTimeoutMs: number;
}

const FULL: ConsumerPhases = {
  // 50,000 until the store dimension: SecantusDB drains message-store's at ~150-300 events/s, so 50,000 would add
  // 10-20 minutes of drains and replays on it; 20,000 keep the section under about 8 minutes.
  backlogEvents: 20_000,
  drainPollMs: 10,
  drainTimeoutMs: 300_000,
  rate: 1_000,
  warmupMs: 3_000,
  e2eMs: 20_000,
  // Not every 10th: each followed item is polled until visible, so the GETs are load of their own (their rate is
  // reported); every 10th made them ~600/s, more than half the POST rate, on a machine the pipeline already saturates.
  sampleEvery: 20,
  probePollMs: 5,
  probeTimeoutMs: 10_000,
};
const QUICK: ConsumerPhases = { ...FULL, backlogEvents: 15_000, warmupMs: 1_000, e2eMs: 5_000 };
const PARTITIONS = 12;

/**
 * The bench's own stores, side by side: mongo-java-server in memory with a 2 GiB heap (the shared test store's 512
 * MiB would not hold a 50k-message backlog, and other people's tests use it) and SecantusDB with a 256 MiB WiredTiger
 * cache (the test profile's), each a child of the bench process.
 */
const PRIVATE_STORES = [
  { label: 'mongo-java-server', store: 'mongo', memory: '2g' },
  { label: 'SecantusDB', store: 'secantus', memory: '256M' },
] as const;

/** Consumer throughput from a backlog, side by side with the bare runtime, and end-to-end latency through ingress. */
export const consumersBench: BenchSection = {
  name: 'consumers',
  title: 'Consumers: backlog throughput and end-to-end latency',
  async run(ctx) {
    const p = ctx.quick ? QUICK : FULL;
    const infra = await ctx.infra();
    const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const t = (s: string) => `bench.${runId}.consumers.${s}`;
    const dbName = (s: string) => `bench_${runId.replace(/[^a-z0-9]/gi, '_')}_${s}`;

    const defs = await loadTopicDefinitions(join(ctx.root, 'infra', 'topics.json'), { consumers: consumerServices().map((s) => s.name) });
    const like = (prod: string, name: string, partitions: number): TopicDefinition => {
      const def = defs.find((d) => d.name === prod);
      if (!def) throw new Error(`infra/topics.json has no ${prod}`);
      // segment.bytes: Kafka's default (production's): a fresh test broker's 1 MiB segments refuse the backlog's batches
      // (RECORD_LIST_TOO_LARGE).
      return { ...def, name, partitions, replicationFactor: 1, config: { ...def.config, 'min.insync.replicas': '1', 'segment.bytes': String(1024 ** 3) } };
    };
    const topics = {
      messages: t('backlog-messages'),
      statuses: t('backlog-statuses'),
      raw: t('e2e-raw'),
      events: t('e2e-events'),
    };
    const dlq = (topic: string, consumer: ConsumerName) => `${topic}.dlq.${consumer}`;
    const benchTopics = [
      like('whatsapp.events.v1', topics.messages, PARTITIONS),
      like('whatsapp.events.v1', topics.statuses, PARTITIONS),
      like('whatsapp.webhooks.raw.v1', topics.raw, PARTITIONS),
      like('whatsapp.events.v1', topics.events, PARTITIONS),
      ...[
        [topics.messages, 'ceiling'],
        [topics.messages, 'message-store'],
        [topics.statuses, 'ceiling'],
        [topics.statuses, 'status-tracker'],
        [topics.events, 'message-store'],
        [topics.events, 'status-tracker'],
      ].map(([topic, c]) => like('whatsapp.events.v1.dlq.message-store', dlq(topic as string, c as ConsumerName), 1)),
    ];
    const databases = { msE2e: dbName('ms_e2e'), stE2e: dbName('st_e2e') };
    const backlogDb = (consumer: ConsumerName, store: number) => dbName(`${consumer === 'message-store' ? 'ms' : 'st'}_backlog_${store}`);

    // The stores: the private ones above, side by side, unless MONGODB_URI names one to use (then that one alone).
    const external = process.env['MONGODB_URI']?.trim() ? infra.mongoUri : undefined;
    const started: { label: string; memory: string; store: PrivateMongo }[] = [];
    const stores: BenchStore[] = [];
    try {
      if (external !== undefined) stores.push({ label: 'external', uri: external, pid: undefined, client: createStoreClient(ctx.root, external) });
      for (const s of external === undefined ? PRIVATE_STORES : []) {
        const store = await startPrivateMongo({ store: s.store, memory: s.memory });
        started.push({ label: s.label, memory: s.memory, store });
        stores.push({ label: s.label, uri: store.uri, pid: store.pid, client: createStoreClient(ctx.root, store.uri) });
      }
      for (const s of stores) await s.client.connect();
      const [e2eStore] = stores as [BenchStore];
      const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench' });
      const admin = kafka.admin();
      await admin.connect();
      const dir = await mkdtemp(join(tmpdir(), 'wabus-bench-consumers-'));
      let ok = false;
      try {
        await applyTopics(admin, benchTopics);
        ctx.log(`topics bench.${runId}.consumers.* (${PARTITIONS} partitions; dead-letter topics 1)`);

        // 1. Backlogs, produced before any consumer starts.
        const backlogs: Backlog[] = [];
        for (const spec of [
          { label: 'message-store', topic: topics.messages, kinds: ['message', 'echo'] },
          { label: 'status-tracker', topic: topics.statuses, kinds: ['status'] },
        ]) {
          const b = await produceBacklog(kafka, { ...spec, events: p.backlogEvents, seed: `${runId}-${spec.label}` });
          ctx.log(
            `backlog for ${b.label}: ${b.produced} events (${b.distinctIds} distinct ids, ${(b.valueBytes / b.produced).toFixed(0)} B/value) in ${(b.ms / 1000).toFixed(1)} s`,
          );
          backlogs.push(b);
        }
        const [msBacklog, stBacklog] = backlogs as [Backlog, Backlog];

        // 2. Each consumer alone with Kafka and one store, one after the other, from offset 0 of its backlog: the
        // ceiling, then the service on each store in turn (each its own group and database), each drain followed by a
        // replay of the same backlog.
        const loadBefore = loadavg()[0] ?? 0;
        const env: DrainEnv = {
          root: ctx.root,
          log: ctx.log,
          kafka,
          admin,
          kafkaBrokers: infra.kafkaBrokers,
          kafkaPid: infra.kafkaPid,
          dir,
          pollMs: p.drainPollMs,
          timeoutMs: p.drainTimeoutMs,
        };
        const drains: DrainRun[] = [];
        const replays: ReplayRun[] = [];
        for (const [consumer, backlog] of [
          ['message-store', msBacklog],
          ['status-tracker', stBacklog],
        ] as const) {
          const steps = [
            { consumer: 'ceiling' as const, store: e2eStore, database: '' },
            ...stores.map((store, i) => ({ consumer, store, database: backlogDb(consumer, i) })),
          ];
          for (const step of steps) {
            const groupId = `bench.${runId}.${step.consumer}.${backlog.label}.${stores.indexOf(step.store)}`;
            const run = await drainAndReplay(env, { ...step, backlog, groupId, dlqTopic: dlq(backlog.topic, step.consumer) });
            drains.push(run.drain);
            if (run.replay) replays.push(run.replay);
          }
        }

        // 3. End to end: ingress + both services as processes, the simulator posting at a fixed rate.
        const secret = randomBytes(16).toString('hex');
        const ports = { ingress: await freePort(), ms: await freePort(), st: await freePort() };
        const bases = {
          ingress: `http://127.0.0.1:${ports.ingress}`,
          'message-store': `http://127.0.0.1:${ports.ms}`,
          'status-tracker': `http://127.0.0.1:${ports.st}`,
        };
        const children: { name: string; child: NodeChild }[] = [];
        const exits: Record<string, number | null> = {};
        let e2e: E2ERun;
        try {
          children.push({
            name: 'ingress',
            child: startIngress({
              root: ctx.root,
              port: ports.ingress,
              secret,
              kafkaBrokers: infra.kafkaBrokers,
              rawTopic: topics.raw,
              eventsTopic: topics.events,
              logFile: join(dir, 'e2e-ingress.log'),
            }),
          });
          for (const [name, port, database] of [
            ['message-store', ports.ms, databases.msE2e],
            ['status-tracker', ports.st, databases.stE2e],
          ] as const) {
            children.push({
              name,
              child: startConsumer(name, {
                root: ctx.root,
                port,
                kafkaBrokers: infra.kafkaBrokers,
                mongoUri: e2eStore.uri,
                topic: topics.events,
                dlqTopic: dlq(topics.events, name),
                groupId: `bench.${runId}.${name}.e2e`,
                database,
                logFile: join(dir, `e2e-${name}.log`),
              }),
            });
          }
          await Promise.all(children.map(({ name, child }) => waitForHttp200(`${bases[name as keyof typeof bases]}/readyz`, child, 60_000)));
          ctx.log(`e2e: ingress, message-store, status-tracker ready; warm-up ${p.warmupMs} ms at ${p.rate}/s`);
          const common = {
            ingressUrl: `${bases.ingress}/webhook`,
            secret,
            rate: p.rate,
            bases,
            sampleEvery: p.sampleEvery,
            pollMs: p.probePollMs,
            probeTimeoutMs: p.probeTimeoutMs,
          };
          await runE2E({ ...common, durationMs: p.warmupMs, seed: `${runId}-warmup`, sample: false });
          ctx.log(`e2e: ${p.e2eMs} ms at ${p.rate}/s, following every ${p.sampleEvery}th message and new status`);
          const meters = children.map(({ name, child }) => ({ name, cpu: cpuMeter(child.pid) }));
          const kafkaCpu = cpuMeter(infra.kafkaPid);
          const storeCpu = cpuMeter(e2eStore.pid);
          const machineCpu = machineCpuMeter(availableParallelism());
          const loadBeforeE2e = loadavg()[0] ?? 0;
          const selfCpu = process.cpuUsage();
          const selfStart = performance.now();
          const result = await runE2E({ ...common, durationMs: p.e2eMs, seed: `${runId}-e2e`, sample: true });
          const selfUsage = process.cpuUsage(selfCpu);
          const cpu: Record<string, number | undefined> = Object.fromEntries(meters.map((m) => [m.name, m.cpu()]));
          cpu['Kafka'] = kafkaCpu();
          cpu['store'] = storeCpu();
          cpu['load generator (bench process)'] = ((selfUsage.user + selfUsage.system) / 1000 / (performance.now() - selfStart)) * 100;
          cpu['whole machine'] = machineCpu();
          const metrics = {
            'message-store': await metricsOf(bases['message-store']),
            'status-tracker': await metricsOf(bases['status-tracker']),
          };
          const peakRss = Object.fromEntries(children.map(({ name, child }) => [name, readVmMiB(child.pid, 'VmHWM')]));
          const events = Number([...(await highWatermarks(admin, topics.events)).values()].reduce((a, b) => a + b, 0n));
          e2e = { result, cpu, metrics, peakRss, events, exits, loadBefore: loadBeforeE2e };
          const m = result.probes['message-store'].latency;
          const s = result.probes['status-tracker'].latency;
          for (const sec of result.timeline) {
            ctx.log(
              `e2e second ${sec.second}: ${sec.posts} POSTs, p99 ${sec.postP99.toFixed(1)} ms; visible p99 ms ${sec.visibleP99['message-store'].toFixed(0)} / ${sec.visibleP99['status-tracker'].toFixed(0)}`,
            );
          }
          ctx.log(
            `e2e: POST p99 ${result.post.latencyMs.p99.toFixed(1)} ms; visible p99 message-store ${m.p99.toFixed(1)} ms, status-tracker ${s.p99.toFixed(1)} ms`,
          );
        } finally {
          for (const { name, child } of children) {
            exits[name] = await child.stop();
          }
        }

        const kafkaReplaced = infra.kafkaPid !== undefined && readCpuSeconds(infra.kafkaPid) === undefined;
        const report = consumersReport({
          phases: p,
          drains,
          replays,
          e2e,
          quick: ctx.quick,
          loadBefore,
          kafkaReplaced,
          stores: external === undefined ? started.map((s) => ({ label: s.label, memory: s.memory })) : 'external',
        });
        ok = true;
        return report;
      } finally {
        await admin
          .deleteTopics({ topics: benchTopics.map((d) => d.name), timeout: 15_000 })
          .catch((err: Error) => ctx.log(`could not delete bench topics: ${err.message}`));
        await admin.disconnect();
        const drop = [
          ...Object.values(databases).map((db) => ({ store: e2eStore, db })),
          ...stores.flatMap((store, i) => (['message-store', 'status-tracker'] as const).map((c) => ({ store, db: backlogDb(c, i) }))),
        ];
        for (const { store, db } of drop)
          await store.client
            .db(db)
            .dropDatabase()
            .catch((err: Error) => ctx.log(`could not drop ${db} on ${store.label}: ${err.message}`));
        if (ok) await rm(dir, { recursive: true, force: true });
        else ctx.log(`consumer logs kept in ${dir}`);
      }
    } finally {
      for (const s of stores) await s.client.close();
      for (const s of started) await s.store.stop();
    }
  },
};
