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
  /**
   * The same, by offset: lets the runtime count duplicates per event kind. When given, it wins over `duplicates`;
   * without it the count is attributed to a kind only when the batch holds one kind (else to `mixed`).
   */
  duplicateOffsets?: readonly string[];
}

/**
 * What a handler call is given besides its records. No heartbeat: the runtime keeps the member in its group while a
 * handler works, however long it waits (pacing, backoff, a slow CRM).
 */
export interface BatchContext {
  partition: number;
  log: LogSink;
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
  /** Per event kind (see `kindOf`) of a committed chunk: records applied, of which `duplicates` changed nothing. */
  applied?(kind: string, n: number, duplicates: number): void;
  deadLettered?(code: string, kind: string): void;
  /** An infrastructure error on a chunk: `records` of each kind wait for the retry. */
  retried?(partition: number, err: Error, records: ReadonlyMap<string, number>): void;
  /** Records below a replay's frontier: delivered again (`replayed`) or passed over (`skipped`, outside its range or keys). */
  replay?(kind: 'replayed' | 'skipped', n: number): void;
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
  /** A replay in progress on this partition (offsets below `frontier` are replayed or skipped). */
  replay?: { id: string; frontier: string; until?: string; keys?: number; effects: boolean };
  /** `replayOnly` runtimes: the partition reached its frontier (or has no replay) and is held there. */
  replayDone?: boolean;
}

export interface ConsumerStatus {
  groupId: string;
  topic: string;
  joined: boolean;
  running: boolean;
  partitions: PartitionState[];
}
