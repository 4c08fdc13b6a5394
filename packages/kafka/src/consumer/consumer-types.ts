import type { LogSink } from '../client.ts';

/** One Kafka record, decoded. `value` keeps the original bytes (for the dead-letter topic). */
export interface ConsumedRecord<E> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  timestamp: string;
  value: Buffer;
  event: E;
}

/** What a handler reports about a batch it applied. Records listed in `rejected` go to the dead-letter topic. */
export interface BatchOutcome {
  /** Records that can never be applied (invalid for this consumer); all others count as applied. */
  rejected?: { offset: string; error: Error }[];
  /** Of the applied records, how many changed nothing (already applied before: redelivery, replay, Meta retry). */
  duplicates?: number;
}

export interface BatchContext {
  partition: number;
  log: LogSink;
  /**
   * Tells the group this member is alive. A handler that waits long (pacing, backoff) calls it now and then, or the
   * group reassigns the partition after the session timeout and the batch is redelivered elsewhere.
   */
  heartbeat: () => Promise<void>;
}

/**
 * The whole of a consumer service's Kafka-facing code: how to decode a record and how to apply a batch of them.
 * `handleBatch` receives records of ONE partition in offset order and must apply records that share a key in that
 * order. It must be idempotent: after a crash, a rebalance or a replay the same records come again. It throws for
 * infrastructure trouble (retried forever, never dead-lettered) and marks records it can never apply as rejected.
 */
export interface ConsumerHandler<E> {
  decode: (value: Buffer, headers: Record<string, string>) => E;
  handleBatch: (records: ConsumedRecord<E>[], ctx: BatchContext) => Promise<BatchOutcome | void>;
}

/** Observability hooks; every one is optional and the default does nothing. */
export interface ConsumerObserver {
  applied?(n: number, duplicates: number): void;
  deadLettered?(code: string): void;
  retried?(partition: number, err: Error): void;
  batchSeconds?(seconds: number): void;
  /** Per applied record: seconds from when it entered wabus (see `eventTime`) to its commit. */
  endToEnd?(seconds: number): void;
  lag?(partition: number, lag: number): void;
  paused?(partition: number, paused: boolean): void;
}

export interface PartitionState {
  partition: number;
  /** Next offset to apply (everything below is durable and committed). */
  applied?: string;
  highWatermark?: string;
  lag?: number;
  /** Retrying after an infrastructure error: no records of this partition are applied meanwhile. */
  paused: boolean;
  lastError?: string;
}

export interface ConsumerStatus {
  groupId: string;
  topic: string;
  joined: boolean;
  running: boolean;
  partitions: PartitionState[];
}
