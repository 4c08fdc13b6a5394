import { trace, type Tracer } from '@opentelemetry/api';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { silentLog, type LogSink } from '../client.ts';
import { crashLevel } from '../kafkajs-log.ts';
import { createProducer } from '../producer.ts';
import { createConsumerTracing } from './consumer-tracing.ts';
import type { ConsumerHandler, ConsumerObserver, ConsumerStatus } from './consumer-types.ts';
import { createPartitionProgress } from './partition-progress.ts';
import { createChunkProcessor } from './process-chunk.ts';
import { belowFrontier, createReplayMarks, type CommittedOffset } from './replay-frontier.ts';
import { partitionTurn } from './partition-turn.ts';
import { ABORTED, createPartitionRetry } from './retry-partition.ts';
import { createDeadLetterSender } from './send-dead-letters.ts';

export interface RunConsumerOptions<E> extends ConsumerHandler<E> {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** Where records that can never be applied go, e.g. `whatsapp.events.v1.dlq.message-store`. */
  dlqTopic: string;
  log?: LogSink;
  observer?: ConsumerObserver;
  /** A group with no committed offsets starts at the beginning of the log (default), or at its end. */
  fromBeginning?: boolean;
  /** Records per handler call; a Kafka batch is cut into chunks of this size, each committed when applied. */
  maxBatchRecords?: number;
  /** Partitions handled at once (different partitions never share a key, so they never conflict). */
  partitionsConsumedConcurrently?: number;
  retry?: { initialMs?: number; maxMs?: number };
  sessionTimeoutMs?: number;
  /** How long the broker holds a fetch that finds no record (default: the heartbeat interval, 3 s). */
  fetchMaxWaitMs?: number;
  /**
   * The clock (epoch ms): dead letters' failure time, end-to-end latency, and the retry backoff, whose waits are spent
   * in `sleep` (default: a timer). A test that drives `now` passes a `sleep` that moves it.
   */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Spans of records, handler calls and dead letters (see consumer-tracing.ts); default: the global tracer (no-op without an SDK). */
  tracer?: Tracer;
  /** When a record entered the system (epoch ms), for the end-to-end latency observation; null when unknown. */
  eventTime?: (event: E) => number | null;
  /** The label metrics count a record under (an event's kind); records that cannot be decoded count as `undecodable`. */
  kindOf?: (event: E) => string;
  /**
   * A shadow replay's runtime: apply only what lies below each partition's replay frontier (see replay-mark.ts) and
   * hold every partition there; nothing live is ever applied.
   */
  replayOnly?: boolean;
}

export interface ConsumerRuntime {
  status(): ConsumerStatus;
  /** Joined the group and no partition is paused on an infrastructure error. */
  ready(): boolean;
  /**
   * Resolves once every partition is applied (and committed) up to `targets` (next offsets), by default the
   * topic's high watermarks at call time.
   */
  whenApplied(targets?: Map<number, bigint>): Promise<void>;
  /** Finishes the chunk in hand, commits, leaves the group, disconnects. */
  stop(): Promise<void>;
}

const timer = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** kafkajs' heartbeat interval: a tenth of the default session timeout. */
const HEARTBEAT_MS = 3_000;

/**
 * The one Kafka loop every consumer service runs: per chunk of a batch, decode → apply (idempotent handler) →
 * dead-letter what can never apply → commit (process-chunk.ts). Infrastructure errors pause the partition and retry
 * (retry-partition.ts); replays are read from the group's commits (replay-frontier.ts).
 */
export async function runConsumer<E>(opts: RunConsumerOptions<E>): Promise<ConsumerRuntime> {
  const log = opts.log ?? silentLog;
  const observer = opts.observer ?? {};
  const now = opts.now ?? Date.now;
  const maxChunk = opts.maxBatchRecords ?? 500;
  const progress = createPartitionProgress();
  const { groupId, topic } = opts;
  let joined = false;
  let joinedOnce = false;
  let running = false;
  /** A crash kafkajs does not restart from: this runtime consumes nothing more. */
  let crashed = false;
  let stopping = false;
  const startedAt = now();

  const consumer = opts.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: HEARTBEAT_MS,
    // An empty fetch costs an idle consumer its CPU (~1.8 ms of kafkajs per round trip; 250 ms cost a consumer service
    // 1.4 % of a core), and waiting longer costs no latency: the broker answers as soon as a record arrives (minBytes
    // 1). kafkajs heartbeats between fetches, so no longer than the heartbeat interval: a member still hears of a
    // rebalance within it. A stop does not wait it out (patches/kafkajs@2.2.4.patch, ConsumerGroup#unlessStopped).
    maxWaitTimeInMs: opts.fetchMaxWaitMs ?? HEARTBEAT_MS,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  // Dead letters: the one producer (a new producer id after any failed send, so a retried or later dead letter is
  // never taken for a duplicate of one the broker stored after a timeout).
  const producer = createProducer(opts.kafka, { log, retries: 'until-delivered' });
  const admin = opts.kafka.admin();

  async function committed(): Promise<CommittedOffset[]> {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry?.partitions ?? [];
  }
  const marks = createReplayMarks({ committed, stateOf: progress.state, log, groupId });
  const retrying = createPartitionRetry({
    schedule: { initialMs: opts.retry?.initialMs ?? 100, maxMs: opts.retry?.maxMs ?? 30_000 },
    now,
    sleep: opts.sleep ?? timer,
    stateOf: progress.state,
    observer,
    log,
    groupId,
  });
  const tracing = createConsumerTracing({ tracer: opts.tracer ?? trace.getTracer('@wabus/kafka'), topic, dlqTopic: opts.dlqTopic, groupId });
  const processChunk = createChunkProcessor<E>({
    topic,
    decode: opts.decode,
    handleBatch: opts.handleBatch,
    kindOf: opts.kindOf ?? (() => 'event'),
    eventTime: opts.eventTime,
    log,
    observer,
    now,
    stateOf: progress.state,
    tracing,
    retrying,
    sendDeadLetters: createDeadLetterSender({
      send: (messages) => producer.send([{ topic: opts.dlqTopic, messages }]),
      retrying,
      tracing,
      groupId,
      now,
      observer,
      log,
    }),
    commit: (partition, offset, metadata) => consumer.commitOffsets([{ topic, partition, offset: offset.toString(), metadata }]),
    marks,
    progress,
  });

  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    joinedOnce = true;
    marks.forget();
  });
  consumer.on(consumer.events.REBALANCING, () => {
    joined = false;
  });
  // One line per crash, saying what it means (kafkajs' own "Crash" and "Restarting" lines are debug: kafkajs-log.ts).
  consumer.on(consumer.events.CRASH, ({ payload: { error, restart } }) => {
    const level = crashLevel({ restart, joinedOnce, sinceStartMs: now() - startedAt });
    const at = { component: 'consumer', groupId, topic };
    if (level === 'error') {
      crashed = true;
      log.error({ ...at, err: error }, 'consumer crashed and stopped consuming: restart the service once the cause is fixed');
    } else if (level === 'debug') {
      log.debug({ ...at, error: error.message }, 'not in the group yet (the broker is starting?); kafkajs retries');
    } else {
      log.warn({ ...at, error: error.message }, 'consumer restarting after a retriable error');
    }
  });

  async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const turn = partitionTurn(batch.partition, { heartbeat, isRunning, isStale }, () => stopping);
    progress.state(turn.partition).highWatermark = batch.highWatermark;
    const mark = await retrying(turn, 'read replay mark', () => marks.of(turn.partition));
    if (mark === ABORTED) return;
    const { messages, atFrontier } = opts.replayOnly ? belowFrontier(mark, batch.messages) : { messages: batch.messages, atFrontier: false };
    for (let i = 0; i < messages.length; i += maxChunk) {
      if (!turn.alive()) return;
      if (!(await processChunk(turn, mark, messages.slice(i, i + maxChunk), batch.highWatermark, resolveOffset))) return;
      await turn.heartbeat();
    }
    if (atFrontier) marks.hold(turn.partition, pause);
  }

  // The dead-letter producer gets its producer id with its first send.
  await Promise.all([consumer.connect(), admin.connect()]);
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3, eachBatch });
  running = true;
  if (!crashed) log.info({ component: 'consumer', groupId, topic }, 'consumer running');

  /** Committed offsets count as applied too: a partition this instance never received may be done already. */
  async function refreshFromCommitted(): Promise<void> {
    for (const p of await committed()) if (Number(p.offset) >= 0) progress.advanceCommitted(p.partition, BigInt(p.offset));
  }

  return {
    status: () => ({ groupId, topic, joined, running: running && !crashed, partitions: progress.all() }),
    ready: () => running && joined && !crashed && progress.all().every((p) => !p.paused),
    async whenApplied(targets) {
      const goal = targets ?? new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
      const done = (applied: (p: number) => bigint) => [...goal].every(([p, t]) => t <= 0n || applied(p) >= t);
      await refreshFromCommitted();
      const waiting = progress.waitFor(done);
      const poll = setInterval(() => void refreshFromCommitted().catch(() => undefined), 250);
      try {
        await waiting;
      } finally {
        clearInterval(poll);
      }
    },
    async stop() {
      stopping = true;
      await consumer.disconnect();
      running = false;
      await producer.close().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}
