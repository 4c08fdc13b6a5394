import type { ProduceMessage as Message, TopicMessages } from './produce-types.ts';
import { KafkaError, REFUSED_AS_SENT } from './errors.ts';
import { measureAppend, splitIntoParts, type MeasuredAppend } from './record-size.ts';

/** Sends one merged batch; resolves only once the broker acknowledged every record (acks=all). */
export type SendBatch = (topicMessages: TopicMessages[]) => Promise<unknown>;

export interface ProduceBatcherOptions {
  send: SendBatch;
  /** Upper bound of records merged into one send. */
  maxBatchRecords?: number;
  /**
   * Upper bound of the bytes of one send (records as `recordBytes` counts them, headers and framing included). A
   * send holds at most one batch per partition, so no batch exceeds it: set it from the smallest topic's limit
   * (minus RECORD_BATCH_OVERHEAD) and appends of several requests never make a batch the topic refuses. An append
   * larger than it is split over several sends, in order (one record larger still goes alone). Read before every
   * send: the producer lowers it when it learns a topic's limit.
   */
  maxBatchBytes?: number | (() => number);
  /**
   * The largest record batch `topic` takes (max.message.bytes, segment.bytes), when known: an append holding a record
   * that could not fit even alone is refused at once with WABUS_KAFKA_RECORD_TOO_LARGE, and nothing of it is sent.
   */
  topicLimit?: (topic: string) => number | undefined;
  /** Records waiting (not yet in flight) beyond which new appends are refused at once. */
  maxQueuedRecords?: number;
  /**
   * Bytes waiting beyond which new appends are refused at once (QUEUE_FULL), so memory stays bounded when Kafka is
   * slower than what arrives. An append to an empty queue is taken whatever its size (else it could never go).
   */
  maxQueuedBytes?: number;
  /**
   * After a send, how long the next batch may wait to grow (unless it reaches `maxBatchRecords`) when records are
   * already waiting: under sustained load fewer, larger requests, each costing the broker one append per partition.
   * An append to an idle batcher (nothing in flight, nothing lingering) is sent at once, whatever this is. Default 0.
   */
  lingerMs?: number;
  now?: () => number;
}

export interface ProduceBatcher {
  /**
   * Appends records and resolves when all of them are acknowledged, or rejects: at `deadline` (epoch ms; none: wait
   * for the send's own outcome) with WABUS_KAFKA_PRODUCE_TIMEOUT, when the send fails with its error
   * (WABUS_KAFKA_PRODUCE_FAILED, or a refusal: …_RECORD_TOO_LARGE, …_RECORD_INVALID, …_NOT_AUTHORIZED), when the
   * queue is full with WABUS_KAFKA_QUEUE_FULL. A rejection means "not known to be stored": the caller must not
   * acknowledge upstream.
   */
  append(topicMessages: TopicMessages[], deadline?: number): Promise<void>;
  /** Records queued and not yet sent. */
  queuedRecords(): number;
  /** Waits for everything queued or in flight to settle, then refuses further appends. */
  close(): Promise<void>;
}

/** One caller's append: settled once, when all its parts are acknowledged or the first fails. */
interface Append {
  settled: boolean;
  /** Parts not yet acknowledged. */
  parts: number;
  timer: NodeJS.Timeout | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A part of an append that goes in one send (the whole append, unless it is larger than a send may be). */
interface Pending {
  append: Append;
  topicMessages: TopicMessages[];
  records: number;
  bytes: number;
  /** Sent in a send of its own: its earlier send, merged with others, was refused as it was (see pump). */
  alone: boolean;
}

/**
 * A Kafka client sends one request per `send()` call, so throughput needs batching across requests (concurrent
 * sends were 0.42x the records/s of this batcher, measured: ../shared/INFRA-NOTES.md). This batcher keeps
 * exactly one send in flight: while it is out, new appends queue up and become the next batch. Appends are merged
 * in arrival order, per topic, so records of one key keep their order (same key → same partition). At low load a
 * batch is a single request (no linger delay); under load batches grow by themselves, up to `maxBatchBytes`.
 */
export function createProduceBatcher(opts: ProduceBatcherOptions): ProduceBatcher {
  const maxBatchRecords = opts.maxBatchRecords ?? 5_000;
  const maxBatchBytes = typeof opts.maxBatchBytes === 'function' ? opts.maxBatchBytes : () => (opts.maxBatchBytes as number | undefined) ?? 8 * 1024 * 1024;
  const maxQueuedRecords = opts.maxQueuedRecords ?? 100_000;
  const maxQueuedBytes = opts.maxQueuedBytes ?? 64 * 1024 * 1024;
  const now = opts.now ?? Date.now;
  const lingerMs = opts.lingerMs ?? 0;
  let lingering: NodeJS.Timeout | undefined;
  const queue: Pending[] = [];
  let queued = 0;
  let queuedBytes = 0;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const settle = (a: Append, err?: Error): void => {
    if (a.settled) return;
    a.settled = true;
    if (a.timer) clearTimeout(a.timer);
    if (err) a.reject(err);
    else a.resolve();
  };
  const dequeue = (p: Pending): void => {
    queued -= p.records;
    queuedBytes -= p.bytes;
  };

  const takeBatch = (): Pending[] => {
    const batch: Pending[] = [];
    let records = 0;
    let bytes = 0;
    const limit = maxBatchBytes();
    while (queue.length > 0) {
      const next = queue[0]!;
      if (next.append.settled) {
        // Timed out, or an earlier part of its append failed: never sent.
        queue.shift();
        dequeue(next);
        continue;
      }
      if (batch.length > 0 && (next.alone || records + next.records > maxBatchRecords || bytes + next.bytes > limit)) break;
      queue.shift();
      dequeue(next);
      batch.push(next);
      records += next.records;
      bytes += next.bytes;
      if (next.alone) break;
    }
    return batch;
  };

  const merge = (batch: Pending[]): TopicMessages[] => {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      for (const tm of p.topicMessages) {
        let list = byTopic.get(tm.topic);
        if (!list) byTopic.set(tm.topic, (list = []));
        for (const m of tm.messages) list.push(m);
      }
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  };

  const pump = (): void => {
    if (inFlight || lingering) return;
    const batch = takeBatch();
    if (batch.length === 0) return;
    inFlight = opts
      .send(merge(batch))
      .then(
        () => {
          for (const p of batch) if (--p.append.parts === 0) settle(p.append);
        },
        (cause: unknown) => {
          const err = KafkaError.is(cause)
            ? cause
            : new KafkaError('WABUS_KAFKA_PRODUCE_FAILED', { message: `produce failed: ${String((cause as Error)?.message ?? cause)}`, cause });
          // Refused as sent (too large, invalid) while merged with other appends: which one was refused is not
          // known, and the others would be refused with it on every try. Each goes again alone, to get its own
          // answer (records of a partition the broker did take may then be stored twice: docs/limits.md).
          const merged = new Set(batch.map((p) => p.append)).size > 1;
          if (merged && REFUSED_AS_SENT.has(err.code)) {
            for (const p of [...batch].reverse()) {
              p.alone = true;
              queue.unshift(p);
              queued += p.records;
              queuedBytes += p.bytes;
            }
          } else batch.forEach((p) => settle(p.append, err));
        },
      )
      .finally(() => {
        inFlight = undefined;
        if (lingerMs > 0 && queued > 0 && queued < maxBatchRecords && !closed) {
          lingering = setTimeout(() => {
            lingering = undefined;
            pump();
          }, lingerMs);
        } else pump();
      });
  };
  /** A lingering batch that reached its size goes at once. */
  const full = (): void => {
    if (lingering !== undefined && queued >= maxBatchRecords) {
      clearTimeout(lingering);
      lingering = undefined;
      pump();
    }
  };

  return {
    append(topicMessages, deadline) {
      if (closed) return Promise.reject(new KafkaError('WABUS_KAFKA_CLOSED', { message: 'producer is shutting down' }));
      let measured: MeasuredAppend;
      try {
        measured = measureAppend(topicMessages, opts.topicLimit);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      const { records, bytes, sizes } = measured;
      if (records === 0) return Promise.resolve();
      if (queued + records > maxQueuedRecords || (queuedBytes > 0 && queuedBytes + bytes > maxQueuedBytes)) {
        return Promise.reject(new KafkaError('WABUS_KAFKA_QUEUE_FULL', { message: `produce queue full (${queued} records, ${queuedBytes} bytes waiting)` }));
      }
      return new Promise<void>((resolve, reject) => {
        const limit = maxBatchBytes();
        const parts = bytes > limit ? splitIntoParts(topicMessages, sizes, limit) : [{ topicMessages, records, bytes }];
        const append: Append = { settled: false, parts: parts.length, timer: undefined, resolve, reject };
        if (deadline !== undefined) {
          const wait = deadline - now();
          append.timer = setTimeout(
            () => settle(append, new KafkaError('WABUS_KAFKA_PRODUCE_TIMEOUT', { message: `not acknowledged by Kafka within ${Math.max(0, wait)} ms` })),
            Math.max(0, wait),
          );
        }
        for (const part of parts) queue.push({ append, ...part, alone: false });
        queued += records;
        queuedBytes += bytes;
        pump();
        full();
      });
    },
    queuedRecords: () => queued,
    async close() {
      closed = true;
      if (lingering !== undefined) {
        clearTimeout(lingering);
        lingering = undefined;
      }
      while (inFlight || queue.some((p) => !p.append.settled)) {
        if (inFlight) await inFlight.catch(() => undefined);
        else pump();
        if (!inFlight) break;
      }
    },
  };
}
