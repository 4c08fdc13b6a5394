import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTopics, createKafka, formatReplayMark, loadTopicDefinitions, setGroupOffsets, type TopicDefinition } from '@wabus/kafka';
import { consumerServices } from '@wabus/service/registry';
import { highWatermarks, parsePrometheusText } from '@wabus/testing';
import { produceBacklog, type Backlog } from './consumers/backlog.ts';
import { consumersReport, type DrainRun, type E2ERun, type ReplayRun } from './consumers/consumers-report.ts';
import { databaseDigest } from './consumers/database-digest.ts';
import { measureDrain, type DrainResult } from './consumers/drain.ts';
import { machineCpuMeter } from './consumers/machine-cpu.ts';
import { runE2E } from './consumers/e2e.ts';
import { startConsumer, startIngress, type ConsumerName } from './consumers/processes.ts';
import { startBenchStore } from './consumers/private-store.ts';
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
  backlogEvents: 50_000,
  drainPollMs: 10,
  drainTimeoutMs: 120_000,
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

/** Sum of every sample of a Prometheus metric (all label sets), or undefined when the metric is absent. */
function promSum(text: string, metric: string): number | undefined {
  const samples = parsePrometheusText(text).filter((s) => s.name === metric);
  return samples.length === 0 ? undefined : samples.reduce((sum, s) => sum + s.value, 0);
}

async function metricsOf(base: string): Promise<{ applied: number | undefined; duplicates: number | undefined; deadLettered: number }> {
  const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return {
    applied: promSum(text, 'wabus_consumer_events_applied_total'),
    duplicates: promSum(text, 'wabus_consumer_events_deduplicated_total'),
    deadLettered: promSum(text, 'wabus_consumer_events_dead_lettered_total') ?? 0,
  };
}

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
      return { ...def, name, partitions, replicationFactor: 1, config: { ...def.config, 'min.insync.replicas': '1' } };
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
    const databases = { msBacklog: dbName('ms_backlog'), stBacklog: dbName('st_backlog'), msE2e: dbName('ms_e2e'), stE2e: dbName('st_e2e') };

    // The store: a private mongo-java-server (see private-store.ts), unless MONGODB_URI names one to use.
    const external = process.env['MONGODB_URI']?.trim() ? infra.mongoUri : undefined;
    const benchStore = external === undefined ? await startBenchStore() : undefined;
    const storeUri = external ?? benchStore?.uri ?? infra.mongoUri;
    const storePid = benchStore?.pid;
    try {
      const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-bench' });
      const admin = kafka.admin();
      await admin.connect();
      const store = createStoreClient(ctx.root, storeUri);
      await store.connect();
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

        // 2. Each consumer alone with Kafka and the store, one after the other, from offset 0 of its backlog.
        const loadBefore = loadavg()[0] ?? 0;
        const plan: { consumer: ConsumerName; backlog: Backlog; database: string }[] = [
          { consumer: 'ceiling', backlog: msBacklog, database: '' },
          { consumer: 'message-store', backlog: msBacklog, database: databases.msBacklog },
          { consumer: 'ceiling', backlog: stBacklog, database: '' },
          { consumer: 'status-tracker', backlog: stBacklog, database: databases.stBacklog },
        ];
        const drains: DrainRun[] = [];
        const replays: ReplayRun[] = [];
        for (const step of plan) {
          const port = await freePort();
          const base = `http://127.0.0.1:${port}`;
          const highs = await highWatermarks(admin, step.backlog.topic);
          const spawnedAt = performance.now();
          const child = startConsumer(step.consumer, {
            root: ctx.root,
            port,
            kafkaBrokers: infra.kafkaBrokers,
            mongoUri: storeUri,
            topic: step.backlog.topic,
            dlqTopic: dlq(step.backlog.topic, step.consumer),
            groupId: `bench.${runId}.${step.consumer}.${step.backlog.label}`,
            database: step.database,
            logFile: join(dir, `${step.consumer}-${step.backlog.label}.log`),
          });
          let drain: DrainResult;
          let metrics: DrainRun['metrics'];
          let exitCode: number | null;
          try {
            ctx.log(`${step.consumer} on the ${step.backlog.label} backlog: started (pid ${child.pid})`);
            drain = await measureDrain({
              child,
              base,
              spawnedAt,
              highWatermarks: highs,
              kafkaPid: infra.kafkaPid,
              storePid,
              pollMs: p.drainPollMs,
              timeoutMs: p.drainTimeoutMs,
            });
            metrics = step.consumer === 'ceiling' ? undefined : await metricsOf(base);
            ctx.log(
              `${step.consumer}: ${drain.eventsPerSecond.toFixed(0)} events/s over ${(drain.windowMs / 1000).toFixed(2)} s ` +
                `(first applied ${(drain.startupMs / 1000).toFixed(1)} s after spawn), CPU ${drain.consumerCpuPct?.toFixed(0) ?? '?'} %, ` +
                `Kafka ${drain.kafkaCpuPct?.toFixed(0) ?? '?'} %, store ${drain.storeCpuPct?.toFixed(0) ?? '?'} %`,
            );
          } finally {
            exitCode = await child.stop();
          }
          let documents: number | undefined;
          if (step.consumer !== 'ceiling') {
            const coll = step.consumer === 'message-store' ? 'messages' : 'statuses';
            // message-store also keeps placeholders (received: false) for reaction/edit/revoke targets not yet seen.
            const filter = step.consumer === 'message-store' ? { received: { $ne: false } } : {};
            documents = await store.db(step.database).collection(coll).countDocuments(filter);
            // 2b. A full reset replay of the same backlog through the same group and database (wabus replay reset --from 0).
            const groupId = `bench.${runId}.${step.consumer}.${step.backlog.label}`;
            const digestBefore = await databaseDigest(store.db(step.database));
            await setGroupOffsets(
              kafka,
              groupId,
              step.backlog.topic,
              [...highs]
                .filter(([, high]) => high > 0n)
                .map(([partition, high]) => ({ partition, offset: '0', metadata: formatReplayMark({ id: 'bench', frontier: high }) })),
            );
            const replayPort = await freePort();
            const replayChild = startConsumer(step.consumer, {
              root: ctx.root,
              port: replayPort,
              kafkaBrokers: infra.kafkaBrokers,
              mongoUri: storeUri,
              topic: step.backlog.topic,
              dlqTopic: dlq(step.backlog.topic, step.consumer),
              groupId,
              database: step.database,
              logFile: join(dir, `${step.consumer}-${step.backlog.label}-replay.log`),
            });
            try {
              const replayDrain = await measureDrain({
                child: replayChild,
                base: `http://127.0.0.1:${replayPort}`,
                spawnedAt: performance.now(),
                highWatermarks: highs,
                kafkaPid: infra.kafkaPid,
                storePid,
                pollMs: p.drainPollMs,
                timeoutMs: p.drainTimeoutMs,
              });
              const replayMetrics = await metricsOf(`http://127.0.0.1:${replayPort}`);
              replays.push({
                consumer: step.consumer,
                first: drain,
                replay: replayDrain,
                duplicates: replayMetrics.duplicates,
                identical: (await databaseDigest(store.db(step.database))) === digestBefore,
              });
              ctx.log(`${step.consumer} replay from 0: ${replayDrain.eventsPerSecond.toFixed(0)} events/s (first drain ${drain.eventsPerSecond.toFixed(0)})`);
            } finally {
              await replayChild.stop();
            }
            // Free the in-memory store before the next run.
            await store.db(step.database).dropDatabase();
          }
          drains.push({ consumer: step.consumer, backlog: step.backlog, drain, metrics, documents, exitCode });
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
                mongoUri: storeUri,
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
          const storeCpu = cpuMeter(storePid);
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
          store: benchStore === undefined ? { kind: 'external' } : { kind: 'private', heap: benchStore.heap },
        });
        ok = true;
        return report;
      } finally {
        await admin
          .deleteTopics({ topics: benchTopics.map((d) => d.name), timeout: 15_000 })
          .catch((err: Error) => ctx.log(`could not delete bench topics: ${err.message}`));
        await admin.disconnect();
        for (const db of Object.values(databases))
          await store
            .db(db)
            .dropDatabase()
            .catch((err: Error) => ctx.log(`could not drop ${db}: ${err.message}`));
        await store.close();
        if (ok) await rm(dir, { recursive: true, force: true });
        else ctx.log(`consumer logs kept in ${dir}`);
      }
    } finally {
      await benchStore?.stop();
    }
  },
};
