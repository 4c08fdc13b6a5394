import type { TestContext } from 'node:test';
import { DLQ_HEADERS, type ConsumerRuntime, type KafkaClient } from '@wabus/kafka';
import { createBodyGenerator } from '@wabus/simulator';
import { createEventTopics, produceRecords, type RecordToProduce } from '../consumer-fixtures.ts';
import { ingressRecords } from '../ingress-records.ts';
import { readTopic } from '../read-topic.ts';
import { createTally, FUZZ_NOW, fuzzSettings } from './fuzz-settings.ts';
import { hostileRecords, type HostileClass, type HostileRecord } from './hostile-events.ts';
import { watchUnhandledRejections } from './unhandled-rejections.ts';

/**
 * A consumer's hostile run: a one-partition events topic and its DLQ (records up to 2 MB), good records of `kinds`
 * from `bodies` simulated bodies, the seeded hostile records (a twentieth of WABUS_FUZZ_RUNS), unhandled rejections
 * watched. The seed is printed.
 */
export async function hostileFixture(t: TestContext, kafka: KafkaClient, o: { prefix: string; kinds: string[]; bodies: number; customers?: number }) {
  const settings = fuzzSettings(10_000);
  const unhandled = watchUnhandledRejections(t);
  const topics = await createEventTopics(t, kafka, { prefix: o.prefix, partitions: 1, maxMessageBytes: 2_000_000 });
  const gen = createBodyGenerator({ seed: `good/${settings.seed}`, kinds: o.kinds, batch: 3, customers: o.customers ?? 30, now: () => FUZZ_NOW });
  const good = Array.from({ length: o.bodies }, (_, i) => ingressRecords(gen.next().body, FUZZ_NOW + i)).flat();
  const hostile = hostileRecords(settings.seed, Math.max(20, Math.round(settings.runs / 20)));
  t.diagnostic(`seed ${settings.seed}: ${hostile.length} hostile records among ${good.length} good ones (replay: ${settings.replay})`);
  return { ...topics, good, hostile, unhandled };
}

export interface HostileRun {
  /** Offsets of the good records produced after every hostile one: applied only if nothing poisoned the partition. */
  goodAfter: RecordToProduce[];
  /** Each hostile record's fate: `applied` or `dead-lettered <code>`, by class. */
  lines: string[];
  /** What is wrong: a dead letter that is not a hostile record, one without a proper code, a partition paused. */
  problems: string[];
}

const CODE = /^WABUS_[A-Z0-9_]+$/;

/**
 * Hostile records between good ones on ONE partition (so a poisoned record would hold back every later one), then
 * the consumer is started and must apply the whole partition within `timeoutMs`: each hostile record applied or
 * dead-lettered with a code, no good record dead-lettered, no partition paused.
 */
export async function consumeHostileRecords(o: {
  kafka: KafkaClient;
  topic: string;
  dlqTopic: string;
  good: readonly RecordToProduce[];
  hostile: readonly HostileRecord[];
  start: () => Promise<{ runtime: ConsumerRuntime }>;
  timeoutMs?: number;
}): Promise<HostileRun> {
  // A third of the good records first, the hostile ones with the second third between them, then the last third.
  const third = Math.ceil(o.good.length / 3);
  const [before, between, goodAfter] = [o.good.slice(0, third), o.good.slice(third, 2 * third), o.good.slice(2 * third)];
  const middle: (RecordToProduce | HostileRecord)[] = [];
  for (let i = 0; i < Math.max(o.hostile.length, between.length); i++) {
    if (i < o.hostile.length) middle.push(o.hostile[i]!);
    if (i < between.length) middle.push(between[i]!);
  }
  const all = [...before, ...middle, ...goodAfter];
  await produceRecords(o.kafka, o.topic, all);
  const classOf = new Map<string, HostileClass>();
  all.forEach((r, offset) => {
    if ('cls' in r) classOf.set(String(offset), (r as HostileRecord).cls);
  });

  const { runtime } = await o.start();
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = o.timeoutMs ?? 120_000;
  const caughtUp = await Promise.race([
    runtime.whenApplied().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  const problems: string[] = [];
  if (!caughtUp) {
    const stuck = runtime.status().partitions.map((p) => `partition ${p.partition} applied up to ${p.applied}${p.paused ? `, paused: ${p.lastError}` : ''}`);
    problems.push(`not caught up after ${timeoutMs} ms (${all.length} records): ${stuck.join('; ')}`);
    return { goodAfter, lines: [], problems };
  }
  for (const p of runtime.status().partitions) if (p.paused) problems.push(`partition ${p.partition} paused: ${p.lastError}`);

  const tally = createTally<HostileClass>();
  const dead = new Set<string>();
  for (const letter of await readTopic(o.kafka, o.dlqTopic, { timeoutMs: 60_000 })) {
    const offset = letter.headers[DLQ_HEADERS.offset] ?? '?';
    const code = letter.headers[DLQ_HEADERS.code] ?? '';
    const cls = classOf.get(offset);
    dead.add(offset);
    if (cls === undefined) problems.push(`good record at offset ${offset} dead-lettered: ${code} ${letter.headers[DLQ_HEADERS.message]}`);
    else tally.add(cls, `dead-lettered ${code}`);
    if (!CODE.test(code) || code === 'WABUS_UNCLASSIFIED') problems.push(`dead letter at offset ${offset} without a proper code: ${JSON.stringify(code)}`);
  }
  for (const [offset, cls] of classOf) if (!dead.has(offset)) tally.add(cls, 'applied');
  return { goodAfter, lines: tally.lines(), problems };
}
