import { join } from 'node:path';
import { formatReplayMark, setGroupOffsets, type createKafka } from '@wabus/kafka';
import { highWatermarks, parsePrometheusText } from '@wabus/testing';
import type { MongoClient } from 'mongodb';
import type { Backlog } from './backlog.ts';
import type { DrainRun, ReplayRun, ServiceCounters } from './consumers-report.ts';
import { databaseDigest } from './database-digest.ts';
import { measureDrain, type DrainResult } from './drain.ts';
import { startConsumer, type ConsumerName } from './processes.ts';
import { freePort } from '../lib/proc-stats.ts';

type Kafka = ReturnType<typeof createKafka>;
type Admin = ReturnType<Kafka['admin']>;

/** A store the bench drains into: its label in the report, where it is, its pid when the bench started it. */
export interface BenchStore {
  label: string;
  uri: string;
  pid: number | undefined;
  client: MongoClient;
}

/** Sum of every sample of a Prometheus metric (all label sets), or undefined when the metric is absent. */
function promSum(text: string, metric: string): number | undefined {
  const samples = parsePrometheusText(text).filter((s) => s.name === metric);
  return samples.length === 0 ? undefined : samples.reduce((sum, s) => sum + s.value, 0);
}

export async function metricsOf(base: string): Promise<ServiceCounters> {
  const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return {
    applied: promSum(text, 'wabus_consumer_events_applied_total'),
    duplicates: promSum(text, 'wabus_consumer_events_deduplicated_total'),
    deadLettered: promSum(text, 'wabus_consumer_events_dead_lettered_total') ?? 0,
  };
}

export interface DrainStep {
  consumer: ConsumerName;
  backlog: Backlog;
  /** The service's store (the ceiling uses none, but is given one for the CPU column). */
  store: BenchStore;
  database: string;
  groupId: string;
  dlqTopic: string;
}

export interface DrainEnv {
  root: string;
  log: (msg: string) => void;
  kafka: Kafka;
  admin: Admin;
  kafkaBrokers: string[];
  kafkaPid: number | undefined;
  /** Where each process's log goes. */
  dir: string;
  pollMs: number;
  timeoutMs: number;
}

/** One consumer as its own process on `step`'s group and database, timed until it has applied the whole backlog. */
async function timedRun(
  e: DrainEnv,
  step: DrainStep,
  logName: string,
  counters: boolean,
): Promise<{ drain: DrainResult; metrics: ServiceCounters | undefined; exitCode: number | null }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const highs = await highWatermarks(e.admin, step.backlog.topic);
  const spawnedAt = performance.now();
  const child = startConsumer(step.consumer, {
    root: e.root,
    port,
    kafkaBrokers: e.kafkaBrokers,
    mongoUri: step.store.uri,
    topic: step.backlog.topic,
    dlqTopic: step.dlqTopic,
    groupId: step.groupId,
    database: step.database,
    logFile: join(e.dir, `${logName}.log`),
  });
  let drain: DrainResult;
  let metrics: ServiceCounters | undefined;
  let exitCode: number | null;
  try {
    e.log(`${logName}: started (pid ${child.pid})`);
    drain = await measureDrain({
      child,
      base,
      spawnedAt,
      highWatermarks: highs,
      kafkaPid: e.kafkaPid,
      storePid: step.store.pid,
      pollMs: e.pollMs,
      timeoutMs: e.timeoutMs,
    });
    if (counters) metrics = await metricsOf(base);
    e.log(
      `${logName}: ${drain.eventsPerSecond.toFixed(0)} events/s over ${(drain.windowMs / 1000).toFixed(2)} s ` +
        `(first applied ${(drain.startupMs / 1000).toFixed(1)} s after spawn), CPU ${drain.consumerCpuPct?.toFixed(0) ?? '?'} %, ` +
        `Kafka ${drain.kafkaCpuPct?.toFixed(0) ?? '?'} %, store ${drain.storeCpuPct?.toFixed(0) ?? '?'} %`,
    );
  } finally {
    exitCode = await child.stop();
  }
  return { drain, metrics, exitCode };
}

/**
 * A consumer drains its backlog from offset 0. A service is then stopped, its group moved back to 0 with a replay
 * mark (what `wabus replay reset --from 0` commits) and started again on the same database: it re-applies the whole
 * backlog, every event a duplicate. Its database is dropped afterwards (an in-memory store holds it all in its heap).
 */
export async function drainAndReplay(e: DrainEnv, step: DrainStep): Promise<{ drain: DrainRun; replay?: ReplayRun }> {
  const name = `${step.consumer}-${step.backlog.label}${step.consumer === 'ceiling' ? '' : `-${step.store.label}`}`;
  const service = step.consumer !== 'ceiling';
  const first = await timedRun(e, step, name, service);
  const run: DrainRun = { ...first, consumer: step.consumer, store: step.store.label, backlog: step.backlog, documents: undefined };
  if (!service) return { drain: run };

  const db = step.store.client.db(step.database);
  // message-store also keeps placeholders (received: false) for reaction/edit/revoke targets not yet seen.
  run.documents = await db
    .collection(step.consumer === 'message-store' ? 'messages' : 'statuses')
    .countDocuments(step.consumer === 'message-store' ? { received: { $ne: false } } : {});
  const digestBefore = await databaseDigest(db);
  const highs = await highWatermarks(e.admin, step.backlog.topic);
  await setGroupOffsets(
    e.kafka,
    step.groupId,
    step.backlog.topic,
    [...highs]
      .filter(([, high]) => high > 0n)
      .map(([partition, high]) => ({ partition, offset: '0', metadata: formatReplayMark({ id: 'bench', frontier: high }) })),
  );
  const again = await timedRun(e, step, `${name}-replay`, true);
  const replay: ReplayRun = {
    consumer: step.consumer,
    store: step.store.label,
    first: first.drain,
    replay: again.drain,
    duplicates: again.metrics?.duplicates,
    identical: (await databaseDigest(db)) === digestBefore,
  };
  await db.dropDatabase();
  return { drain: run, replay };
}
