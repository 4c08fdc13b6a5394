import { compatibilityPartitioner, ProduceAcks, Producer as PlatformaticProducer, type MessageToProduce } from '@platformatic/kafka';
import type { PartitionPlacement, ProduceMessage, TopicMessages } from './produce-types.ts';

/**
 * The one place that talks to the Kafka client wabus produces with (@platformatic/kafka 2.x; docs/producer.md says
 * why). Nothing here batches or decides what happens after a failure: that is producer.ts, which owns one of these.
 */
export interface ClientProducer {
  /** One produce round trip (per leader) for all of these records, acks=all, idempotent. */
  send(topicMessages: TopicMessages[]): Promise<PartitionPlacement[]>;
  /** A new producer id (InitProducerId) with sequences from 0: what every send after a failed one is sent under. */
  renewProducerId(): Promise<bigint>;
  producerId(): bigint | undefined;
  /** Of `topics`, those the cluster does not know (a fresh metadata request). */
  missingTopics(topics: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

export interface ClientProducerOptions {
  brokers: readonly string[];
  clientId: string;
  /** Per request; a produce that gets no answer in this time is retried (same sequence numbers) or fails. */
  requestTimeoutMs: number;
  /**
   * Retries of one request inside the client, under the same sequence numbers (the broker deduplicates them);
   * `forever`: until it is delivered or the producer is closed, the pause growing to 5 s.
   */
  retries: number | 'forever';
  retryDelayMs: number;
  connectTimeoutMs: number;
}

const utf8 = (s?: string | Buffer) => (s === undefined ? undefined : Buffer.isBuffer(s) ? s : Buffer.from(s));

/** Header names are a handful of constants: each is encoded once (bounded, in case a caller makes names up). */
function createHeaderKeyEncoder(limit = 256) {
  const cache = new Map<string, Buffer>();
  return (s?: string | Buffer) => {
    if (s === undefined || Buffer.isBuffer(s)) return s;
    let b = cache.get(s);
    if (b === undefined) {
      b = Buffer.from(s);
      if (cache.size < limit) cache.set(s, b);
    }
    return b;
  };
}

/** Java's murmur2 partitioner for keyed records; round-robin over partitions for records without a key. */
function createPartitioner() {
  let next = 0;
  return (message: MessageToProduce<string | Buffer, Buffer | string, string, string>, key: Buffer | undefined): number => {
    if (message.partition !== undefined) return message.partition;
    if (key !== undefined && key.length > 0) return compatibilityPartitioner(message as never, key);
    next = (next + 1) & 0x7fffffff;
    return next;
  };
}

export function createClientProducer(opts: ClientProducerOptions): ClientProducer {
  const client = new PlatformaticProducer<string | Buffer, Buffer | string, string, string>({
    clientId: opts.clientId,
    bootstrapBrokers: [...opts.brokers],
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    repeatOnStaleMetadata: true,
    timeout: opts.requestTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    connectTimeout: opts.connectTimeoutMs,
    retries: opts.retries === 'forever' ? true : opts.retries,
    retryDelay: opts.retries === 'forever' ? (_client, _op, attempt) => Math.min(5_000, opts.retryDelayMs * 2 ** Math.min(attempt, 10)) : opts.retryDelayMs,
    partitioner: createPartitioner(),
    serializers: { key: utf8, value: utf8, headerKey: createHeaderKeyEncoder(), headerValue: utf8 },
  });

  return {
    async send(topicMessages) {
      const messages: MessageToProduce<string | Buffer, Buffer | string, string, string>[] = [];
      for (const { topic, messages: list } of topicMessages) {
        for (const m of list) messages.push(toClientMessage(topic, m));
      }
      const result = await client.send({ messages });
      return (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, baseOffset: o.offset.toString() }));
    },
    async renewProducerId() {
      const info = await client.initIdempotentProducer({});
      return info.producerId;
    },
    producerId: () => client.producerId,
    async missingTopics(topics) {
      const missing: string[] = [];
      // One request per topic: the client fails a whole metadata request on the first unknown topic.
      for (const topic of topics) {
        try {
          await client.metadata({ topics: [topic], forceUpdate: true, retries: 0 });
        } catch (err) {
          if (!/unknown topic/i.test(String((err as Error).message))) throw err;
          missing.push(topic);
        }
      }
      return missing;
    },
    async close() {
      await client.close();
    },
  };
}

function toClientMessage(topic: string, m: ProduceMessage): MessageToProduce<string | Buffer, Buffer | string, string, string> {
  const out: MessageToProduce<string | Buffer, Buffer | string, string, string> = { topic };
  if (m.key !== null && m.key !== undefined) out.key = m.key;
  if (m.value !== null) out.value = m.value;
  if (m.headers !== undefined) out.headers = m.headers;
  if (m.timestamp !== undefined) out.timestamp = BigInt(m.timestamp);
  if (m.partition !== undefined) out.partition = m.partition;
  return out;
}

/**
 * A client error in one line: the broker's error ids (NOT_ENOUGH_REPLICAS, MESSAGE_TOO_LARGE, …), else the messages of
 * the innermost errors (network, timeout), found through nested errors (a send to several brokers fails with one
 * error per broker, each wrapping the attempts of its retries).
 */
export function describeClientError(err: unknown): string {
  const ids = new Set<string>();
  const leaves = new Set<string>();
  const visit = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || depth > 8) return;
    const x = e as { apiId?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
    if (typeof x.apiId === 'string') ids.add(x.apiId);
    const nested = [...(Array.isArray(x.errors) ? x.errors : []), ...(x.cause !== undefined ? [x.cause] : [])];
    if (nested.length === 0 && typeof x.message === 'string') leaves.add(x.message);
    for (const n of nested) visit(n, depth + 1);
  };
  visit(err, 0);
  if (ids.size > 0) return [...ids].join(', ');
  if (leaves.size > 0) return [...leaves].join('; ');
  return String((err as Error)?.message ?? err);
}

/** The partition Java's default partitioner (and this producer) puts a keyed record on; 0 for a record without key. */
export function keyPartition(key: string | Buffer | null | undefined, partitions: number): number {
  if (key === null || key === undefined || key.length === 0) return 0;
  const buf = Buffer.isBuffer(key) ? key : Buffer.from(key);
  return compatibilityPartitioner({ topic: '' } as never, buf) % partitions;
}
