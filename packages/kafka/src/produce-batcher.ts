import type { ProduceMessage as Message, TopicMessages } from './produce-types.ts';
import { KafkaError } from './errors.ts';

/** Sends one merged batch; resolves only once the broker acknowledged every record (acks=all). */
export type SendBatch = (topicMessages: TopicMessages[]) => Promise<unknown>;

export interface ProduceBatcherOptions {
  send: SendBatch;
  /** Upper bound of records merged into one send. */
  maxBatchRecords?: number;
  /** Upper bound of value bytes merged into one send (a single larger append still goes alone). */
  maxBatchBytes?: number;
  /** Records waiting (not yet in flight) beyond which new appends are refused at once. */
  maxQueuedRecords?: number;
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
   * for the send's own outcome) with WABUS_KAFKA_PRODUCE_TIMEOUT, when the send fails with WABUS_KAFKA_PRODUCE_FAILED, when the queue is full with
   * WABUS_KAFKA_QUEUE_FULL. A rejection means "not known to be stored": the caller must not acknowledge upstream.
   */
  append(topicMessages: TopicMessages[], deadline?: number): Promise<void>;
  /** Records queued and not yet sent. */
  queuedRecords(): number;
  /** Waits for everything queued or in flight to settle, then refuses further appends. */
  close(): Promise<void>;
}

interface Pending {
  topicMessages: TopicMessages[];
  records: number;
  bytes: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
}

const sizeOf = (m: Message): number =>
  (Buffer.isBuffer(m.value) ? m.value.length : typeof m.value === 'string' ? Buffer.byteLength(m.value) : 0) +
  (Buffer.isBuffer(m.key) ? m.key.length : typeof m.key === 'string' ? m.key.length : 0);

/**
 * A Kafka client sends one request per `send()` call, so throughput needs batching across requests (concurrent
 * sends were 0.42x the records/s of this batcher, measured: ../shared/INFRA-NOTES.md). This batcher keeps
 * exactly one send in flight: while it is out, new appends queue up and become the next batch. Appends are merged
 * in arrival order, per topic, so records of one key keep their order (same key → same partition). At low load a
 * batch is a single request (no linger delay); under load batches grow by themselves.
 */
export function createProduceBatcher(opts: ProduceBatcherOptions): ProduceBatcher {
  const maxBatchRecords = opts.maxBatchRecords ?? 5_000;
  const maxBatchBytes = opts.maxBatchBytes ?? 8 * 1024 * 1024;
  const maxQueuedRecords = opts.maxQueuedRecords ?? 100_000;
  const now = opts.now ?? Date.now;
  const lingerMs = opts.lingerMs ?? 0;
  let lingering: NodeJS.Timeout | undefined;
  const queue: Pending[] = [];
  let queued = 0;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const settle = (p: Pending, err?: Error): void => {
    if (p.settled) return;
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve();
  };

  const takeBatch = (): Pending[] => {
    const batch: Pending[] = [];
    let records = 0;
    let bytes = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      if (next.settled) {
        queue.shift();
        queued -= next.records;
        continue;
      }
      if (batch.length > 0 && (records + next.records > maxBatchRecords || bytes + next.bytes > maxBatchBytes)) break;
      queue.shift();
      queued -= next.records;
      batch.push(next);
      records += next.records;
      bytes += next.bytes;
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
        () => batch.forEach((p) => settle(p)),
        (cause: unknown) => {
          const err = KafkaError.is(cause)
            ? cause
            : new KafkaError('WABUS_KAFKA_PRODUCE_FAILED', { message: `produce failed: ${String((cause as Error)?.message ?? cause)}`, cause });
          batch.forEach((p) => settle(p, err));
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
      let records = 0;
      let bytes = 0;
      for (const tm of topicMessages) {
        records += tm.messages.length;
        for (const m of tm.messages) bytes += sizeOf(m);
      }
      if (records === 0) return Promise.resolve();
      if (queued + records > maxQueuedRecords) {
        return Promise.reject(new KafkaError('WABUS_KAFKA_QUEUE_FULL', { message: `produce queue full (${queued} records waiting)` }));
      }
      return new Promise<void>((resolve, reject) => {
        const p: Pending = { topicMessages, records, bytes, settled: false, timer: undefined, resolve, reject };
        if (deadline !== undefined) {
          const wait = deadline - now();
          p.timer = setTimeout(
            () => settle(p, new KafkaError('WABUS_KAFKA_PRODUCE_TIMEOUT', { message: `not acknowledged by Kafka within ${Math.max(0, wait)} ms` })),
            Math.max(0, wait),
          );
        }
        queue.push(p);
        queued += records;
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
      while (inFlight || queue.some((p) => !p.settled)) {
        if (inFlight) await inFlight.catch(() => undefined);
        else pump();
        if (!inFlight) break;
      }
    },
  };
}
