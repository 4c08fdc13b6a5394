import type { Kafka } from 'kafkajs';
import type { WhatsAppEvent } from '@wabus/events';
import { createIdempotentProducer, createProduceBatcher, type LogSink, type ProduceBatcher } from '@wabus/kafka';
import type { Readiness } from './health-routes.ts';
import { createPublisher, type Publisher } from './publisher.ts';

export interface KafkaPublisher {
  publisher: Publisher;
  batcher: ProduceBatcher;
  readiness: () => Promise<Readiness>;
  /** Connects, retrying with backoff until it succeeds or `close()` is called; requests meanwhile get 503. */
  connect: () => Promise<void>;
  /** Flushes what is queued, then disconnects. */
  close: () => Promise<void>;
}

export interface KafkaPublisherOptions {
  kafka: Kafka;
  rawTopic: string;
  eventsTopic: string;
  encode: (event: WhatsAppEvent) => Buffer;
  log: LogSink;
  /** How long the broker gets to acknowledge one produce request. */
  produceTimeoutMs: number;
}

export function createKafkaPublisher(opts: KafkaPublisherOptions): KafkaPublisher {
  const producer = createIdempotentProducer(opts.kafka);
  // No retries inside a probe: a readiness check answers now, and a retry loop outliving close() would reconnect.
  const admin = opts.kafka.admin({ retry: { retries: 0 } });
  let connected = false;
  let closing = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  const batcher = createProduceBatcher({
    send: (topicMessages) => producer.sendBatch({ topicMessages, acks: -1, timeout: opts.produceTimeoutMs }),
  });

  // A metadata request per readiness probe: cheap, and it fails fast when the broker is gone (kafkajs does not
  // always notice a dead broker until the next produce).
  const topicsPresent = async (): Promise<{ ok: boolean; detail?: string }> => {
    const topics = new Set(await withTimeout(admin.listTopics(), 2_000, 'metadata request timed out'));
    const missing = [opts.rawTopic, opts.eventsTopic].filter((t) => !topics.has(t));
    if (missing.length > 0) return { ok: false, detail: `missing topics: ${missing.join(', ')} (run: pnpm wabus topics apply)` };
    return { ok: true };
  };

  const probes = new Set<Promise<Readiness>>();
  async function readinessNow(): Promise<Readiness> {
    const checks: Readiness['checks'] = { producer: connected ? { ok: true } : { ok: false, detail: 'producer not connected' } };
    try {
      checks['topics'] = await topicsPresent();
    } catch (err) {
      checks['topics'] = { ok: false, detail: `cannot reach Kafka: ${(err as Error).message}` };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  return {
    publisher: createPublisher({ batcher, rawTopic: opts.rawTopic, eventsTopic: opts.eventsTopic, encode: opts.encode }),
    batcher,
    readiness() {
      const probe = readinessNow();
      probes.add(probe);
      return probe.finally(() => probes.delete(probe));
    },
    async connect() {
      for (let attempt = 0; !closing; attempt++) {
        try {
          await producer.connect();
          await admin.connect();
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
      await batcher.close();
      // A probe still waiting on the broker would reconnect the admin after we disconnected it.
      await Promise.allSettled([...probes]);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
