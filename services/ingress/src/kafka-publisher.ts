import type { WhatsAppEvent } from '@wabus/events';
import { batchLimits, createProducer, readTopicLimits, type KafkaClient, type LogSink, type Producer, type TopicLimit } from '@wabus/kafka';
import type { Readiness } from '@wabus/service';
import { createPublisher, type Publisher } from './publisher.ts';

export interface KafkaPublisher {
  publisher: Publisher;
  producer: Producer;
  readiness: () => Promise<Readiness>;
  /** Obtains a producer id, retrying with backoff until it succeeds or `close()` is called; requests meanwhile get 503. */
  connect: () => Promise<void>;
  /**
   * The largest batch the raw topic takes, read again from the cluster (at most once a second; the producer learns
   * the new limits too): a refusal may mean a topic's limit changed since start-up. Undefined when it cannot be read.
   */
  rawBatchLimit: () => Promise<number | undefined>;
  /** Flushes what is queued, then disconnects. */
  close: () => Promise<void>;
}

export interface KafkaPublisherOptions {
  kafka: KafkaClient;
  rawTopic: string;
  eventsTopic: string;
  encode: (event: WhatsAppEvent) => Buffer;
  log: LogSink;
  /** How long the broker gets to answer one produce request (the client retries it, deduplicated, twice). */
  produceTimeoutMs: number;
  /** How long a produce batch may wait to grow under load (INGRESS_PRODUCE_LINGER_MS). */
  lingerMs?: number;
  /** Bytes of records waiting for Kafka beyond which requests are answered 503 (INGRESS_PRODUCE_QUEUE_BYTES). */
  maxQueuedBytes?: number;
  /** What the raw and events topics take, read at start-up (`awaitTopicLimits`); read when first needed otherwise. */
  topicLimits?: readonly TopicLimit[];
  /** For tests: the producer to use instead of one made from `kafka`. */
  producer?: Producer;
}

/** A readiness probe answers within this, whatever the broker does (a stalled broker answers nothing). */
const PROBE_TIMEOUT_MS = 2_000;

export function createKafkaPublisher(opts: KafkaPublisherOptions): KafkaPublisher {
  const producer =
    opts.producer ??
    createProducer(opts.kafka, {
      requestTimeoutMs: opts.produceTimeoutMs,
      log: opts.log,
      ...(opts.lingerMs !== undefined ? { lingerMs: opts.lingerMs } : {}),
      ...(opts.maxQueuedBytes !== undefined ? { maxQueuedBytes: opts.maxQueuedBytes } : {}),
      ...(opts.topicLimits !== undefined ? { topicLimits: batchLimits(new Map(opts.topicLimits.map((l) => [l.topic, l]))) } : {}),
    });
  let closing = false;

  let lastRead: { at: number; limits: Promise<Map<string, TopicLimit> | undefined> } | undefined;
  const readLimits = (): Promise<Map<string, TopicLimit> | undefined> => {
    if (lastRead !== undefined && Date.now() - lastRead.at < 1_000) return lastRead.limits;
    const limits = (async () => {
      const admin = opts.kafka.admin();
      try {
        await admin.connect();
        const read = await readTopicLimits(admin, [opts.rawTopic, opts.eventsTopic]);
        producer.setTopicLimits(batchLimits(read));
        opts.log.warn({ component: 'kafka-publisher', limits: [...read.values()] }, 'topic limits read again after a refusal');
        return read;
      } catch (err) {
        opts.log.warn({ component: 'kafka-publisher', err }, 'cannot read the topics’ limits');
        return undefined;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    })();
    lastRead = { at: Date.now(), limits };
    return limits;
  };

  const probes = new Set<Promise<Readiness>>();
  async function readinessNow(): Promise<Readiness> {
    const checks: Readiness['checks'] = {};
    const [health, missing] = await Promise.allSettled([
      withTimeout(producer.health(), PROBE_TIMEOUT_MS, 'Kafka did not answer in time'),
      withTimeout(producer.missingTopics([opts.rawTopic, opts.eventsTopic]), PROBE_TIMEOUT_MS, 'metadata request timed out'),
    ]);
    checks['producer'] = health.status === 'fulfilled' ? health.value : { ok: false, detail: (health.reason as Error).message };
    if (missing.status === 'rejected') checks['topics'] = { ok: false, detail: `cannot reach Kafka: ${(missing.reason as Error).message}` };
    else if (missing.value.length > 0) checks['topics'] = { ok: false, detail: `missing topics: ${missing.value.join(', ')} (run: pnpm wabus topics apply)` };
    else checks['topics'] = { ok: true };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  return {
    publisher: createPublisher({ producer, rawTopic: opts.rawTopic, eventsTopic: opts.eventsTopic, encode: opts.encode }),
    producer,
    readiness() {
      const probe = readinessNow();
      probes.add(probe);
      return probe.finally(() => probes.delete(probe));
    },
    rawBatchLimit: async () => (await readLimits())?.get(opts.rawTopic)?.batchBytes,
    async connect() {
      for (let attempt = 0; !closing; attempt++) {
        try {
          await producer.connect();
          opts.log.info({ component: 'kafka-publisher' }, 'producer connected');
          return;
        } catch (err) {
          const delay = Math.min(10_000, 250 * 2 ** attempt);
          opts.log.warn({ component: 'kafka-publisher', err, retryInMs: delay }, 'cannot connect to Kafka yet');
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    },
    async close() {
      closing = true;
      await Promise.allSettled([...probes]);
      await producer.close();
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
