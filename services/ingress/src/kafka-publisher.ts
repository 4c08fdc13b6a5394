import type { WhatsAppEvent } from '@wabus/events';
import { createProducer, type KafkaClient, type LogSink, type Producer } from '@wabus/kafka';
import type { Readiness } from '@wabus/service';
import { createPublisher, type Publisher } from './publisher.ts';

export interface KafkaPublisher {
  publisher: Publisher;
  producer: Producer;
  readiness: () => Promise<Readiness>;
  /** Obtains a producer id, retrying with backoff until it succeeds or `close()` is called; requests meanwhile get 503. */
  connect: () => Promise<void>;
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
  /** For tests: the producer to use instead of one made from `kafka`. */
  producer?: Producer;
}

/** A readiness probe answers within this, whatever the broker does (a stalled broker answers nothing). */
const PROBE_TIMEOUT_MS = 2_000;

export function createKafkaPublisher(opts: KafkaPublisherOptions): KafkaPublisher {
  const producer =
    opts.producer ??
    createProducer(opts.kafka, { requestTimeoutMs: opts.produceTimeoutMs, log: opts.log, ...(opts.lingerMs !== undefined ? { lingerMs: opts.lingerMs } : {}) });
  let closing = false;

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
