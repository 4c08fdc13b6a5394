import { context, ROOT_CONTEXT, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Batch, Kafka, KafkaMessage } from 'kafkajs';
import { EventsError } from '@wabus/events';
import { recordFailure } from '@wabus/telemetry';
import { silentLog, type LogSink } from '../client.ts';
import { headerText } from '../header-text.ts';
import type { ProduceMessage } from '../produce-types.ts';
import { createProducer } from '../producer.ts';
import { errorCode, isGenerationOver, isPermanent } from './classify-error.ts';
import { createConsumerTracing, type RecordOutcome } from './consumer-tracing.ts';
import type { ConsumedRecord, ConsumerHandler, ConsumerObserver, ConsumerStatus } from './consumer-types.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { createPartitionProgress } from './partition-progress.ts';
import { formatReplayMark, parseReplayMark, REPLAY_HEADER, replayDecision, type ReplayMark } from './replay-mark.ts';

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
  now?: () => number;
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

const ABORTED = Symbol('aborted');

interface Applied<E> {
  rejected: { record: ConsumedRecord<E>; error: Error }[];
  duplicates: number;
  /** Null when the handler reported a count only. */
  duplicateOffsets: string[] | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The one Kafka loop every consumer service runs: decode → apply (idempotent handler) → dead-letter what can never
 * apply → commit. Offsets are committed only after the handler's effects (and any dead letters) are durable.
 * Infrastructure errors pause the partition (the loop stays on it, heartbeating, so the group keeps it here) and
 * retry with capped exponential backoff, forever; nothing is skipped or dead-lettered for them.
 */
export async function runConsumer<E>(opts: RunConsumerOptions<E>): Promise<ConsumerRuntime> {
  const log = opts.log ?? silentLog;
  const obs = opts.observer ?? {};
  const now = opts.now ?? Date.now;
  const maxChunk = opts.maxBatchRecords ?? 500;
  const initialMs = opts.retry?.initialMs ?? 100;
  const maxMs = opts.retry?.maxMs ?? 30_000;
  const progress = createPartitionProgress();
  const kindOf = opts.kindOf ?? (() => 'event');
  /** Replay marks per partition, read from the group's committed offsets once per generation (see replay-mark.ts). */
  let marks: Promise<Map<number, ReplayMark | null>> | null = null;
  const tracing = createConsumerTracing({
    tracer: opts.tracer ?? trace.getTracer('@wabus/kafka'),
    topic: opts.topic,
    dlqTopic: opts.dlqTopic,
    groupId: opts.groupId,
  });
  let joined = false;
  let running = false;
  let stopping = false;

  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 250,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  // Dead letters: the one producer (a new producer id after any failed send, so a retried or later dead letter is
  // never taken for a duplicate of one the broker stored after a timeout).
  const producer = createProducer(opts.kafka, { log, retries: 'until-delivered' });
  const admin = opts.kafka.admin();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    marks = null;
  });
  consumer.on(consumer.events.REBALANCING, () => {
    joined = false;
  });
  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ component: 'consumer', groupId: opts.groupId, err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
  });

  async function loadMarks(): Promise<Map<number, ReplayMark | null>> {
    const [entry] = await admin.fetchOffsets({ groupId: opts.groupId, topics: [opts.topic] });
    const out = new Map<number, ReplayMark | null>();
    for (const p of entry?.partitions ?? []) {
      const mark = parseReplayMark(p.metadata);
      const active = mark !== null && BigInt(p.offset) < mark.frontier;
      out.set(p.partition, active ? mark : null);
      if (active) progress.state(p.partition).replay = describeMark(mark);
      else delete progress.state(p.partition).replay;
    }
    return out;
  }

  async function markOf(partition: number): Promise<ReplayMark | null> {
    const current = (marks ??= loadMarks());
    try {
      return (await current).get(partition) ?? null;
    } catch (err) {
      if (marks === current) marks = null;
      throw err;
    }
  }

  function describeMark(m: ReplayMark) {
    return {
      id: m.id,
      frontier: m.frontier.toString(),
      ...(m.until !== undefined ? { until: m.until.toString() } : {}),
      ...(m.keys !== undefined ? { keys: m.keys.length } : {}),
      effects: m.effects === true,
    };
  }

  /** Retries `fn` on transient errors until it succeeds or this partition is no longer ours. */
  async function retrying<T>(
    partition: number,
    alive: () => boolean,
    heartbeat: () => Promise<void>,
    what: string,
    fn: () => Promise<T>,
    kinds: () => ReadonlyMap<string, number> = () => new Map(),
  ): Promise<T | typeof ABORTED> {
    const st = progress.state(partition);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await fn();
        if (st.paused) {
          st.paused = false;
          delete st.lastError;
          obs.paused?.(partition, false);
          log.info({ component: 'consumer', groupId: opts.groupId, partition, attempts: attempt }, `${what}: recovered, partition resumed`);
        }
        return result;
      } catch (err) {
        if (isPermanent(err)) throw err;
        // The group went on without this member (it froze past its session, or a rebalance began): give the chunk up,
        // so that kafkajs rejoins; the partition's owner applies its records again (the handler is idempotent).
        if (isGenerationOver(err)) return ABORTED;
        const delay = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20)) * (0.8 + Math.random() * 0.4);
        if (!st.paused) obs.paused?.(partition, true);
        st.paused = true;
        st.lastError = `${what}: ${(err as Error).message}`;
        obs.retried?.(partition, err as Error, kinds());
        log.warn({ component: 'consumer', groupId: opts.groupId, partition, attempt, retryInMs: Math.round(delay), err }, `${what} failed; partition paused, retrying`);
        const until = Date.now() + delay;
        while (Date.now() < until) {
          if (!alive()) return ABORTED;
          await sleep(Math.min(1_000, until - Date.now()));
          await heartbeat().catch(() => undefined);
        }
        if (!alive()) return ABORTED;
      }
    }
  }

  /** Applies records; a permanent error for a group of records is narrowed down by halving, so only the bad ones are rejected. */
  async function apply(records: ConsumedRecord<E>[], partition: number, heartbeat: () => Promise<void>, spans: Map<string, Span>): Promise<Applied<E>> {
    if (records.length === 0) return { rejected: [], duplicates: 0, duplicateOffsets: [] };
    try {
      const recordSpans = records.flatMap((r) => spans.get(r.offset) ?? []);
      const offsets = { first: records[0]!.offset, last: records.at(-1)!.offset };
      const out =
        (await tracing.inBatch(recordSpans, partition, offsets, () => opts.handleBatch(records, { partition, log, heartbeat: () => heartbeat().catch(() => undefined) }))) ?? {};
      const byOffset = new Map(records.map((r) => [r.offset, r]));
      const rejected = (out.rejected ?? []).map(({ offset, error }) => {
        const record = byOffset.get(offset);
        if (!record) throw new Error(`handler rejected offset ${offset}, which is not in the batch`);
        return { record, error };
      });
      const duplicateOffsets = out.duplicateOffsets === undefined ? null : [...out.duplicateOffsets];
      return { rejected, duplicates: duplicateOffsets?.length ?? out.duplicates ?? 0, duplicateOffsets };
    } catch (err) {
      if (!isPermanent(err)) throw err;
      if (records.length === 1) return { rejected: [{ record: records[0]!, error: err as Error }], duplicates: 0, duplicateOffsets: [] };
      const mid = Math.ceil(records.length / 2);
      const left = await apply(records.slice(0, mid), partition, heartbeat, spans);
      const right = await apply(records.slice(mid), partition, heartbeat, spans);
      return {
        rejected: [...left.rejected, ...right.rejected],
        duplicates: left.duplicates + right.duplicates,
        duplicateOffsets: left.duplicateOffsets && right.duplicateOffsets ? [...left.duplicateOffsets, ...right.duplicateOffsets] : null,
      };
    }
  }

  /** Decodes a chunk, starting each record's span (before decoding: a record that cannot be decoded has one too). */
  function decodeAll(messages: KafkaMessage[], partition: number, spans: Map<string, Span>, replayId: (m: KafkaMessage) => string | null) {
    const ok: ConsumedRecord<E>[] = [];
    const dead: { record: Omit<ConsumedRecord<E>, 'event'>; error: Error }[] = [];
    for (const m of messages) {
      const headers = headerText(m.headers);
      const replay = replayId(m);
      if (replay !== null) headers[REPLAY_HEADER] = replay;
      const base = {
        topic: opts.topic,
        partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        headers,
        timestamp: m.timestamp,
        value: m.value ?? Buffer.alloc(0),
      };
      spans.set(m.offset, tracing.startRecord(base));
      try {
        if (m.value === null) throw new EventsError('WABUS_EVENTS_DECODE_FAILED', { message: 'record has no value (tombstone)' });
        ok.push({ ...base, event: opts.decode(m.value, base.headers) });
      } catch (err) {
        if (!isPermanent(err)) throw err;
        dead.push({ record: base, error: err as Error });
      }
    }
    return { ok, dead };
  }

  /** Sends a chunk's dead letters in one request, each with its span (child of its record's). */
  async function deadLetter(letters: { record: Omit<ConsumedRecord<E>, 'event'>; error: Error }[], partition: number, alive: () => boolean, heartbeat: () => Promise<void>, spans: Map<string, Span>) {
    const messages: ProduceMessage[] = [];
    const letterSpans: Span[] = [];
    for (const { record, error } of letters) {
      const message = deadLetterMessage(record, error, opts.groupId, now());
      const recordSpan = spans.get(record.offset);
      if (recordSpan) letterSpans.push(tracing.startDeadLetter(recordSpan, record, errorCode(error), (message.headers ??= {})));
      messages.push(message);
    }
    let sent: unknown = ABORTED;
    try {
      sent = await retrying(partition, alive, heartbeat, 'dead-letter', () => producer.send([{ topic: opts.dlqTopic, messages }]));
      return sent;
    } catch (err) {
      sent = err;
      throw err;
    } finally {
      for (const span of letterSpans) {
        if (sent === ABORTED) recordFailure(span, { code: 'WABUS_PARTITION_REVOKED' });
        else if (sent instanceof Error) recordFailure(span, sent);
        span.end();
      }
    }
  }

  /** Counts per kind of the given offsets (each record's kind looked up once per chunk, in `kindByOffset`). */
  function tally(offsets: Iterable<string>, kindByOffset: ReadonlyMap<string, string>): Map<string, number> {
    const out = new Map<string, number>();
    for (const o of offsets) {
      const k = kindByOffset.get(o) ?? 'undecodable';
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  function reportApplied(kindByOffset: ReadonlyMap<string, string>, applied: Applied<E>) {
    if (!obs.applied) return;
    const rejected = new Set(applied.rejected.map((r) => r.record.offset));
    const kinds = tally([...kindByOffset.keys()].filter((o) => !rejected.has(o)), kindByOffset);
    let dups: Map<string, number>;
    if (applied.duplicateOffsets !== null) dups = tally(applied.duplicateOffsets.filter((o) => kindByOffset.has(o) && !rejected.has(o)), kindByOffset);
    else dups = new Map(applied.duplicates > 0 ? [[kinds.size === 1 ? [...kinds.keys()][0]! : 'mixed', applied.duplicates]] : []);
    for (const [kind, n] of kinds) obs.applied(kind, n, dups.get(kind) ?? 0);
    for (const [kind, n] of dups) if (!kinds.has(kind)) obs.applied(kind, 0, n);
  }

  async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: { batch: Batch; resolveOffset: (o: string) => void; heartbeat: () => Promise<void>; isRunning: () => boolean; isStale: () => boolean; pause: () => () => void }) {
    const { partition } = batch;
    const alive = () => isRunning() && !isStale() && !stopping;
    const st = progress.state(partition);
    st.highWatermark = batch.highWatermark;
    const mark = await retrying(partition, alive, heartbeat, 'read replay mark', () => markOf(partition));
    if (mark === ABORTED) return;
    let messages = batch.messages;
    if (opts.replayOnly) {
      // A shadow replay applies nothing at or past the frontier: hold the partition there.
      const frontier = mark?.frontier ?? -1n;
      const cut = messages.findIndex((m) => BigInt(m.offset) >= frontier);
      if (cut !== -1) messages = messages.slice(0, cut);
      if (messages.length === 0) {
        if (!st.replayDone) log.info({ component: 'consumer', groupId: opts.groupId, partition }, 'replay-only: partition at its frontier, held');
        st.replayDone = true;
        pause();
        return;
      }
    }
    for (let i = 0; i < messages.length; i += maxChunk) {
      if (!alive()) return;
      const all = messages.slice(i, i + maxChunk);
      const started = performance.now();
      const spans = new Map<string, Span>();
      const letterErrors = new Map<string, Error>();
      const endSpans = (outcome: (offset: string) => RecordOutcome) => {
        for (const [offset, span] of spans) tracing.endRecord(span, outcome(offset), letterErrors.get(offset));
        spans.clear();
      };
      // Below a replay's frontier: records outside its range or keys were applied before and are passed over.
      const decisions = mark === null ? null : new Map(all.map((m) => [m.offset, replayDecision(mark, BigInt(m.offset), m.key ? m.key.toString('utf8') : null)]));
      const chunk = decisions === null ? all : all.filter((m) => decisions.get(m.offset) !== 'skip');
      const replayed = decisions === null ? 0 : all.filter((m) => decisions.get(m.offset) === 'replay').length;
      try {
        const replayId = (m: KafkaMessage) => (mark !== null && !mark.effects && decisions?.get(m.offset) === 'replay' ? mark.id : null);
        const { ok, dead } = decodeAll(chunk, partition, spans, replayId);
        const kindByOffset = new Map(ok.map((r) => [r.offset, kindOf(r.event)]));
        const kinds = () => tally([...kindByOffset.keys(), ...dead.map((d) => d.record.offset)], kindByOffset);
        const applied = await retrying(partition, alive, heartbeat, 'apply', () => apply(ok, partition, heartbeat, spans), kinds);
        if (applied === ABORTED) return;
        const letters = [...dead, ...applied.rejected];
        if (letters.length > 0) {
          if ((await deadLetter(letters, partition, alive, heartbeat, spans)) === ABORTED) return;
          for (const { record, error } of letters) {
            letterErrors.set(record.offset, error);
            obs.deadLettered?.((error as { code?: string }).code ?? 'WABUS_UNCLASSIFIED', kindByOffset.get(record.offset) ?? 'undecodable');
            const span = spans.get(record.offset);
            context.with(span ? trace.setSpan(ROOT_CONTEXT, span) : context.active(), () =>
              log.warn({ component: 'consumer', groupId: opts.groupId, partition, offset: record.offset, code: (error as { code?: string }).code, err: error }, 'dead-lettered'),
            );
          }
        }
        const last = all.at(-1)!.offset;
        const next = BigInt(last) + 1n;
        // The mark travels with each commit while the partition is inside the replay, and is dropped past it.
        const metadata = mark !== null && next < mark.frontier ? formatReplayMark(mark) : null;
        const committed = await retrying(partition, alive, heartbeat, 'commit', () =>
          consumer.commitOffsets([{ topic: opts.topic, partition, offset: next.toString(), metadata }]),
        );
        if (committed === ABORTED) return;
        endSpans((offset) => (letterErrors.has(offset) ? 'dead_lettered' : 'applied'));
        resolveOffset(last);
        const lag = Number(BigInt(batch.highWatermark) - next);
        st.lag = lag < 0 ? 0 : lag;
        obs.lag?.(partition, st.lag);
        reportApplied(kindByOffset, applied);
        if (mark !== null) {
          if (replayed > 0) obs.replay?.('replayed', replayed);
          if (all.length - chunk.length > 0) obs.replay?.('skipped', all.length - chunk.length);
          if (metadata === null) {
            (await marks)?.set(partition, null);
            delete st.replay;
            log.info({ component: 'consumer', groupId: opts.groupId, partition, replay: mark.id, frontier: mark.frontier.toString() }, 'replay finished on partition');
          }
        }
        obs.batchSeconds?.((performance.now() - started) / 1000);
        if (obs.endToEnd && opts.eventTime && mark === null) {
          const at = now();
          for (const r of ok) {
            const t = opts.eventTime(r.event);
            if (t !== null) obs.endToEnd(Math.max(0, at - t) / 1000);
          }
        }
        progress.advance(partition, next);
      } finally {
        // The partition was given up (revoked, stopping) or an error escapes: what is still open was not committed here.
        endSpans(() => 'abandoned');
      }
      await heartbeat().catch(() => undefined);
    }
    if (opts.replayOnly && messages.length < batch.messages.length) {
      st.replayDone = true;
      log.info({ component: 'consumer', groupId: opts.groupId, partition }, 'replay-only: partition at its frontier, held');
      pause();
    }
  }

  // The dead-letter producer gets its producer id with its first send.
  await Promise.all([consumer.connect(), admin.connect()]);
  await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3,
    eachBatch,
  });
  running = true;
  log.info({ component: 'consumer', groupId: opts.groupId, topic: opts.topic }, 'consumer running');

  /** Committed offsets count as applied too: a partition this instance never received may be done already. */
  async function refreshFromCommitted(): Promise<void> {
    const [entry] = await admin.fetchOffsets({ groupId: opts.groupId, topics: [opts.topic] });
    for (const p of entry?.partitions ?? []) if (Number(p.offset) >= 0) progress.advance(p.partition, BigInt(p.offset));
  }

  return {
    status: () => ({ groupId: opts.groupId, topic: opts.topic, joined, running, partitions: progress.all() }),
    ready: () => running && joined && progress.all().every((p) => !p.paused),
    async whenApplied(targets) {
      const goal = targets ?? new Map((await admin.fetchTopicOffsets(opts.topic)).map((o) => [o.partition, BigInt(o.high)]));
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
