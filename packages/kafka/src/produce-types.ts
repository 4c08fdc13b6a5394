/** One record to append. wabus' own shape, whatever client sends it. */
export interface ProduceMessage {
  key?: string | Buffer | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
  /** Epoch milliseconds, as a decimal string (the record's CreateTime); default: when it is sent. */
  timestamp?: string;
  /** Default: murmur2 of the key, as every Java-compatible client computes it; round-robin without a key. */
  partition?: number;
}

export interface TopicMessages {
  topic: string;
  messages: ProduceMessage[];
}

/** Where a send put its records: per topic-partition, the offset of the first one (the rest follow in order). */
export interface PartitionPlacement {
  topic: string;
  partition: number;
  baseOffset: string;
}
