import type { TestContext } from 'node:test';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { describeGroup } from '@wabus/kafka';
import type { Rng } from '@wabus/simulator';
import { spawnServiceProcess, waitUntil, type ServiceProcess } from './service-process.ts';
import { produceRecords, type RecordToProduce } from './consumer-fixtures.ts';
import { shuffle } from './ingress-records.ts';

/**
 * What the churn does to the instances of one consumer group: `kill` SIGKILLs one (a crash nobody replaces),
 * `restart` SIGKILLs one and starts a replacement (a crash the orchestrator replaces), `add` starts one more
 * (scale up), `remove` SIGTERMs one and expects it to leave cleanly (scale down, exit 0), `freeze` SIGSTOPs one
 * until the group has expelled it and given its partitions to the others, then SIGCONTs it (a long GC pause, a
 * frozen VM): it wakes up in the middle of a batch that is no longer its own, and must find its way back.
 */
export type ChurnAction = 'kill' | 'restart' | 'add' | 'remove' | 'freeze';

/** One instance, numbered 1, 2, 3… in start order. */
export interface ReplicaInstance {
  n: number;
  run: ServiceProcess;
  /** How it ended: SIGKILLed by the churn, or stopped with SIGTERM (by `remove` or at the end). */
  fate: 'running' | 'killed' | 'stopped';
  /** Was frozen by the churn (and expelled from the group meanwhile). */
  frozen: boolean;
}

export interface ChurnStep {
  action: ChurnAction;
  /** The instance killed or stopped, or the one started by `add`. */
  instance: number;
  /** The instance started as a replacement by `restart`. */
  replacement?: number;
  /** Records the group had committed when the step began (the point of progress it waited for)… */
  committed: bigint;
  /** …of the records produced by then: the rest was pending. */
  produced: bigint;
  /** Instances running after the step. */
  running: number;
  /** Milliseconds from the first start to the step's end. */
  ms: number;
}

export interface ReplicaChurnOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /**
   * The records to consume, in log order. A share (`backlogShare`, default 0.4) is produced before the instances
   * start; the rest arrives in one slice before each step, so that every step lands with records pending, however
   * fast the instances drain: a backlog with traffic still coming in.
   */
  records: readonly RecordToProduce[];
  backlogShare?: number;
  /** The service's entry point (its `src/main.ts`) and environment: every instance is `spawnServiceProcess(t, entry, env)`. */
  entry: URL;
  env: Record<string, string | undefined>;
  /** The log message (`msg`, pino's JSON lines at level info) by which a started instance says it runs, e.g. `status-tracker running`. */
  runningMessage: string;
  /** Instances started together at first; the churn keeps between 1 and `maxReplicas` (default `replicas + 1`) running. */
  replicas: number;
  maxReplicas?: number;
  /** The steps, in a seeded order (a step not possible with the instances running is swapped for the next one that is). */
  actions: readonly ChurnAction[];
  rng: Rng;
  /** Each wait for a point of progress (default 90 s). */
  timeoutMs?: number;
}

export interface ReplicaChurn {
  steps: ChurnStep[];
  instances: ReplicaInstance[];
  /** Milliseconds from the first start: until every record was committed, and until the group settled. */
  drainedMs: number;
  settledMs: number;
}

/**
 * Consumer replicas under churn, the way a deployment lives through crashes, restarts and scaling while a backlog
 * is consumed: produces the backlog, starts `replicas` instances of one group at once, then, step after step,
 * produces the next slice of records and takes the step once the group's committed offsets (read from the broker)
 * pass a seeded point in the middle of what is pending, on a seeded victim: a kill lands wherever the instances are
 * at that moment, under load. Afterwards it waits until the group has committed every record and has settled (state
 * Stable, one member per running instance), then stops every instance with SIGTERM and expects exit code 0. An
 * instance that dies on its own fails it (a kill of a dead process throws).
 */
export async function churnReplicas(t: TestContext, o: ReplicaChurnOptions): Promise<ReplicaChurn> {
  // One admin connection for the polls: a poll takes milliseconds, so a step lands close to its point.
  const admin = o.kafka.admin();
  await admin.connect();
  try {
    return await churn(t, o, async () => {
      const [entry] = await admin.fetchOffsets({ groupId: o.groupId, topics: [o.topic] });
      return (entry?.partitions ?? []).reduce((sum, p) => sum + (Number(p.offset) > 0 ? BigInt(p.offset) : 0n), 0n);
    });
  } finally {
    await admin.disconnect();
  }
}

async function churn(t: TestContext, o: ReplicaChurnOptions, committed: () => Promise<bigint>): Promise<ReplicaChurn> {
  const max = o.maxReplicas ?? o.replicas + 1;
  const timeoutMs = o.timeoutMs ?? 90_000;
  const instances: ReplicaInstance[] = [];
  const running = () => instances.filter((i) => i.fate === 'running');
  const settled = async (members: number) => {
    const g = await describeGroup(o.kafka, o.groupId);
    return g.state === 'Stable' && g.members.length === members;
  };
  const tail = () =>
    running()
      .map((i) => `--- instance ${i.n}:\n${i.run.output().slice(-1_500)}`)
      .join('\n');

  const launch = async (count: number): Promise<ReplicaInstance[]> => {
    const started: ReplicaInstance[] = [];
    for (let k = 0; k < count; k++) {
      const n = instances.length + 1;
      const s: ReplicaInstance = { n, run: spawnServiceProcess(t, o.entry, o.env), fate: 'running', frozen: false };
      instances.push(s);
      started.push(s);
    }
    const line = `"msg":"${o.runningMessage}"`;
    for (const s of started) {
      await waitUntil(
        () => `instance ${s.n} runs\n${s.run.output().slice(-2_000)}`,
        () => s.run.output().includes(line) || !s.run.running(),
        { timeoutMs, intervalMs: 20 },
      );
      if (!s.run.running()) throw new Error(`instance ${s.n} died on start (exit ${s.run.child.exitCode}):\n${s.run.output().slice(-2_000)}`);
    }
    return started;
  };

  const total = BigInt(o.records.length);
  const backlog = Math.floor(o.records.length * (o.backlogShare ?? 0.4));
  await produceRecords(o.kafka, o.topic, o.records.slice(0, backlog));
  let produced = backlog;
  const t0 = Date.now();
  await launch(o.replicas);
  const steps: ChurnStep[] = [];
  const pending = shuffle(o.rng, o.actions);
  const possible = (a: ChurnAction) => (a === 'add' ? running().length < max : a === 'restart' || running().length > 1);
  for (let i = 0; pending.length > 0; i++) {
    const at = pending.findIndex(possible);
    if (at === -1) throw new Error(`no churn step possible with ${running().length} running of at most ${max}: ${pending.join(', ')}`);
    const action = pending.splice(at, 1)[0]!;
    const before = produced;
    produced = backlog + Math.floor(((o.records.length - backlog) * (i + 1)) / o.actions.length);
    await produceRecords(o.kafka, o.topic, o.records.slice(before, produced));
    // A seeded point in the middle half of what the group has not committed yet; a freeze right after the slice
    // arrived, so that the instance frozen is in the middle of a batch.
    const from = await committed();
    const share = action === 'freeze' ? 0.02 + o.rng.next() * 0.08 : 0.25 + o.rng.next() * 0.5;
    const target = from + BigInt(Math.floor((produced - Number(from)) * share));
    let now = 0n;
    await waitUntil(
      () => `committed offsets pass ${target} of ${produced} before step ${i + 1} (${action})\n${tail()}`,
      async () => (now = await committed()) >= target,
      { timeoutMs, intervalMs: 5 },
    );
    if (now >= BigInt(produced))
      throw new Error(
        `step ${i + 1} (${action}) would find nothing pending: the instances drained ${produced} records before it (larger slices, or slower instances)`,
      );
    const victim = o.rng.pick(running());
    const step: ChurnStep = { action, instance: victim.n, committed: now, produced: BigInt(produced), running: 0, ms: 0 };
    if (action === 'kill' || action === 'restart') {
      await victim.run.kill();
      victim.fate = 'killed';
      if (action === 'restart') step.replacement = (await launch(1))[0]!.n;
    } else if (action === 'remove') await stopCleanly(victim);
    else if (action === 'freeze') {
      victim.run.child.kill('SIGSTOP');
      victim.frozen = true;
      await waitUntil(
        () => `the group expels frozen instance ${victim.n}\n${tail()}`,
        () => settled(running().length - 1),
        { timeoutMs, intervalMs: 100 },
      ).finally(() => victim.run.child.kill('SIGCONT'));
      await waitUntil(
        () => `instance ${victim.n}, woken up, rejoins the group\n${tail()}`,
        () => settled(running().length),
        { timeoutMs, intervalMs: 100 },
      );
    } else step.instance = (await launch(1))[0]!.n;
    step.running = running().length;
    step.ms = Date.now() - t0;
    steps.push(step);
  }

  await waitUntil(
    () => `the group commits all ${total} records\n${tail()}`,
    async () => (await committed()) === total,
    { timeoutMs, intervalMs: 100 },
  );
  const drainedMs = Date.now() - t0;
  await waitUntil(
    () => `the group settles with ${running().length} members\n${tail()}`,
    () => settled(running().length),
    { timeoutMs, intervalMs: 200 },
  );
  const settledMs = Date.now() - t0;
  await Promise.all(running().map((r) => stopCleanly(r)));
  return { steps, instances, drainedMs, settledMs };
}

async function stopCleanly(i: ReplicaInstance): Promise<void> {
  const code = await i.run.stop();
  i.fate = 'stopped';
  if (code !== 0) throw new Error(`instance ${i.n} did not stop cleanly on SIGTERM (exit ${code}):\n${i.run.output().slice(-2_000)}`);
}

/** One line per step, for the test's diagnostics. */
export const describeChurn = (c: ReplicaChurn): string =>
  [
    ...c.steps.map(
      (s) =>
        `${s.action} #${s.instance}${s.replacement ? ` → #${s.replacement}` : ''} at ${s.committed}/${s.produced} (${s.running} running, ${(s.ms / 1000).toFixed(1)} s)`,
    ),
    `all committed at ${(c.drainedMs / 1000).toFixed(1)} s, group settled at ${(c.settledMs / 1000).toFixed(1)} s`,
  ].join('; ');
