import type { Kafka } from 'kafkajs';
import { kafkaOptionsOf, silentLog, type LogSink } from './client.ts';
import { createClientProducer, describeClientError, type ClientProducer } from './client-producer.ts';
import { KafkaError, type KafkaErrorCode } from './errors.ts';
import { createProduceBatcher } from './produce-batcher.ts';
import { classifyProduceFailure, type ProduceFailureKind } from './produce-errors.ts';
import { measureAppend, RECORD_BATCH_OVERHEAD } from './record-size.ts';
import type { PartitionPlacement, TopicMessages } from './produce-types.ts';

export interface ProducerOptions {
  /** Per produce request; with `retries` it bounds how long one send can stay in flight. Default 5,000 ms. */
  requestTimeoutMs?: number;
  /**
   * Retries of a request inside the client, under the same sequence numbers, so the broker keeps only one copy
   * whatever it stored of the earlier attempts. Default 2 (ingress: it must answer Meta in time, and a 503'd
   * webhook is retried by Meta anyway). `until-delivered`: a send waits out any outage and is stored exactly once
   * (dead letters, operator tools: a retry under a new producer id could store them twice).
   */
  retries?: number | 'until-delivered';
  log?: LogSink;
  /** Batching limits (see produce-batcher.ts). */
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  maxQueuedRecords?: number;
  maxQueuedBytes?: number;
  /**
   * The largest record batch each topic takes (`readTopicLimits`: the smaller of max.message.bytes and
   * segment.bytes). With it no send holds more than the smallest of them, and a record that could not fit its topic
   * even alone is refused before anything is sent (WABUS_KAFKA_RECORD_TOO_LARGE). `setTopicLimits` changes them.
   */
  topicLimits?: Readonly<Record<string, number>>;
  /** How long a batch may wait to grow while records are waiting after a send (produce-batcher.ts); default 0. */
  lingerMs?: number;
  /** For tests: another client (a stand-in that fails on demand). */
  client?: ClientProducer;
}

/** What the producer sent since it was made: produce rounds (one request per partition leader each), and records. */
export interface ProducerStats {
  sends: number;
  records: number;
  failedSends: number;
}

export interface ProducerHealth {
  ok: boolean;
  detail?: string;
}

/**
 * The one way wabus appends records to Kafka: idempotent, acks=all, one request in flight, and after any send that
 * failed or timed out, a new producer id before anything else is sent (docs/producer.md: why that, and sequence
 * numbers reserved per send, mean no interleaving of timeouts, retries and lost responses can make a later record
 * disappear as a "duplicate" of an earlier one).
 */
export interface Producer {
  /**
   * Resolves once every record is acknowledged by all in-sync replicas; merged with other sends (one request in
   * flight). Rejects (KafkaError) when that is not known: WABUS_KAFKA_PRODUCE_TIMEOUT at `deadline` (epoch ms),
   * WABUS_KAFKA_PRODUCE_FAILED, WABUS_KAFKA_QUEUE_FULL, WABUS_KAFKA_CLOSED. A rejection means "maybe stored": the
   * records may be on the topic at most once; a retry by the caller appends them again. Refusals are permanent
   * (retrying the same records is refused again; `details.topics` names where): WABUS_KAFKA_RECORD_TOO_LARGE,
   * WABUS_KAFKA_RECORD_INVALID; WABUS_KAFKA_NOT_AUTHORIZED until an operator fixes the grant (docs/limits.md).
   */
  send(topicMessages: TopicMessages[], opts?: { deadline?: number }): Promise<void>;
  /** The same guarantees, sent in a request of its own, with where each partition's records went. */
  sendAlone(topicMessages: TopicMessages[]): Promise<PartitionPlacement[]>;
  /** Records waiting for the request in flight. */
  queuedRecords(): number;
  /** Sends and records so far (records per send is how well batching works; each send costs the broker a request). */
  stats(): ProducerStats;
  /**
   * Can it produce now? False after a failed send until a new producer id is obtained (this call tries, when
   * nothing else is in flight), and while a request has been in flight longer than the request timeout.
   */
  health(): Promise<ProducerHealth>;
  /** Of `topics`, those the cluster does not know (a fresh metadata request). */
  missingTopics(topics: readonly string[]): Promise<string[]>;
  /** Replaces the topics' limits (see `topicLimits`), e.g. after a refusal showed one changed. */
  setTopicLimits(limits: Readonly<Record<string, number>>): void;
  /** Obtains a producer id now (throws when the cluster does not answer); sends do it by themselves otherwise. */
  connect(): Promise<void>;
  /**
   * Sends what is queued and waits for what is in flight, up to `graceMs` (default 10 s); then closes the
   * connections, which ends a send still retrying (it fails: its records are maybe stored).
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

const RETRY_DELAY_MS = 250;

/** The code a failed send is reported with, by what the broker's answer means for the same records sent again. */
const CODE_OF: Record<ProduceFailureKind, KafkaErrorCode> = {
  transient: 'WABUS_KAFKA_PRODUCE_FAILED',
  too_large: 'WABUS_KAFKA_RECORD_TOO_LARGE',
  invalid: 'WABUS_KAFKA_RECORD_INVALID',
  not_authorized: 'WABUS_KAFKA_NOT_AUTHORIZED',
};

/**
 * The longest one send can stay in flight before it fails: every attempt waiting its whole request timeout, plus the
 * pauses between them. A fault test that stalls the broker for longer sees sends give up, not just wait.
 */
export function sendGiveUpMs(opts: Pick<ProducerOptions, 'requestTimeoutMs' | 'retries'> = {}): number {
  if (opts.retries === 'until-delivered') return Number.POSITIVE_INFINITY;
  const retries = opts.retries ?? 2;
  return (retries + 1) * (opts.requestTimeoutMs ?? 5_000) + retries * RETRY_DELAY_MS;
}

export function createProducer(kafka: Kafka, opts: ProducerOptions = {}): Producer {
  const base = kafkaOptionsOf(kafka);
  const requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
  const log = opts.log ?? base.log ?? silentLog;
  const client =
    opts.client ??
    createClientProducer({
      brokers: base.brokers,
      clientId: base.clientId,
      requestTimeoutMs,
      retries: opts.retries === 'until-delivered' ? 'forever' : (opts.retries ?? 2),
      retryDelayMs: RETRY_DELAY_MS,
      connectTimeoutMs: base.connectionTimeoutMs ?? 3_000,
    });

  /** Set by a failed send, cleared by a new producer id: no record is sent under an id a failed send used. */
  let needsFreshId = true;
  let lastFailure: string | undefined;
  let inFlightSince: number | undefined;
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();
  const stats: ProducerStats = { sends: 0, records: 0, failedSends: 0 };
  let topicLimits = new Map(Object.entries(opts.topicLimits ?? {}));
  const limitOf = (topic: string) => topicLimits.get(topic);
  const maxBatchBytes = opts.maxBatchBytes ?? 8 * 1024 * 1024;
  /** No send larger than the smallest topic takes: a send holds at most one batch per partition. */
  const sendBytes = () => Math.min(maxBatchBytes, ...[...topicLimits.values()].map((l) => l - RECORD_BATCH_OVERHEAD));

  /** One lane: a send, a producer id renewal, never two at once. */
  const inLane = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  const renew = async (): Promise<void> => {
    const hadFailure = lastFailure !== undefined;
    const id = await client.renewProducerId();
    needsFreshId = false;
    if (hadFailure) log.info({ component: 'producer', producerId: id.toString() }, 'new producer id after a failed send');
  };

  const sendInLane = (topicMessages: TopicMessages[]): Promise<PartitionPlacement[]> =>
    inLane(async () => {
      if (needsFreshId) {
        try {
          await renew();
        } catch (cause) {
          throw new KafkaError('WABUS_KAFKA_PRODUCE_FAILED', { message: `no producer id: ${describeClientError(cause)}`, cause });
        }
      }
      inFlightSince = Date.now();
      stats.sends += 1;
      for (const tm of topicMessages) stats.records += tm.messages.length;
      try {
        const placed = await client.send(topicMessages);
        lastFailure = undefined;
        return placed;
      } catch (cause) {
        stats.failedSends += 1;
        needsFreshId = true;
        lastFailure = describeClientError(cause);
        const failure = classifyProduceFailure(cause);
        log.warn({ component: 'producer', err: cause, detail: lastFailure, kind: failure.kind }, 'produce failed; the next send gets a new producer id');
        const where = failure.topics.length > 0 ? ` (${failure.topics.join(', ')})` : '';
        throw new KafkaError(CODE_OF[failure.kind], {
          message: `produce failed: ${lastFailure}${where}`,
          cause,
          ...(failure.kind === 'transient' ? {} : { details: { topics: failure.topics, apiIds: failure.apiIds, found: 'by the broker' } }),
        });
      } finally {
        inFlightSince = undefined;
      }
    });

  const batcher = createProduceBatcher({
    send: sendInLane,
    ...(opts.maxBatchRecords !== undefined ? { maxBatchRecords: opts.maxBatchRecords } : {}),
    maxBatchBytes: sendBytes,
    topicLimit: limitOf,
    ...(opts.maxQueuedRecords !== undefined ? { maxQueuedRecords: opts.maxQueuedRecords } : {}),
    ...(opts.maxQueuedBytes !== undefined ? { maxQueuedBytes: opts.maxQueuedBytes } : {}),
    ...(opts.lingerMs !== undefined ? { lingerMs: opts.lingerMs } : {}),
  });

  return {
    send: (topicMessages, o) => batcher.append(topicMessages, o?.deadline),
    sendAlone(topicMessages) {
      if (closed) return Promise.reject(new KafkaError('WABUS_KAFKA_CLOSED'));
      try {
        measureAppend(topicMessages, limitOf);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return sendInLane(topicMessages);
    },
    queuedRecords: () => batcher.queuedRecords(),
    stats: () => ({ ...stats }),
    async health() {
      if (closed) return { ok: false, detail: 'producer closed' };
      const since = inFlightSince;
      if (since !== undefined && Date.now() - since > requestTimeoutMs) {
        return { ok: false, detail: `a produce request has waited ${Date.now() - since} ms for Kafka` };
      }
      if (!needsFreshId) return { ok: true };
      if (since !== undefined) return { ok: false, detail: `last send failed (${lastFailure ?? 'not connected yet'}); retrying` };
      try {
        await inLane(async () => {
          if (needsFreshId) await renew();
        });
        return { ok: true };
      } catch (err) {
        return { ok: false, detail: `cannot get a producer id: ${describeClientError(err)}${lastFailure ? ` (last send failed: ${lastFailure})` : ''}` };
      }
    },
    missingTopics: (topics) => client.missingTopics(topics),
    setTopicLimits(limits) {
      topicLimits = new Map(Object.entries(limits));
    },
    async connect() {
      await inLane(async () => {
        if (needsFreshId) await renew();
      });
    },
    async close(o = {}) {
      if (closed) return;
      let grace: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => (grace = setTimeout(resolve, o.graceMs ?? 10_000)));
      await Promise.race([batcher.close().then(() => tail), graceOver]);
      clearTimeout(grace);
      closed = true;
      await client.close().catch(() => undefined);
      await batcher.close();
      await tail;
    },
  };
}
