import { createProducer, type createKafka } from '@wabus/kafka';
import { createBodyGenerator } from '@wabus/simulator';
import { encodeEvent, explodeWebhook } from '@wabus/events';

type Kafka = ReturnType<typeof createKafka>;

export interface BacklogSpec {
  /** Which consumer this backlog is for; it holds only the kinds that consumer stores. */
  label: string;
  topic: string;
  /** Simulator kind names or aliases, e.g. `message`, `echo`, `status`. */
  kinds: string[];
  events: number;
  seed: string;
}

export interface Backlog extends BacklogSpec {
  /** Records on the topic (exactly `events`). */
  produced: number;
  /** Distinct item ids (wamids) among them: the documents the consumer should end with. */
  distinctIds: number;
  /** Encoded record values, total bytes (Avro, single-object encoding). */
  valueBytes: number;
  /** Events by kind and type (`message/text`, `status/read`, `message_echo/image`, ...). */
  byType: Record<string, number>;
  ms: number;
}

const CHUNK = 5_000;
/** Items per generated body: bigger bodies generate faster; each item is still one event with its own key. */
const ITEMS_PER_BODY = 20;

/**
 * Generates `events` events of the given kinds (the simulator's realistic weights, 2,000 customers over 4 business
 * numbers), exploded as ingress would, and produces them to `topic` with the idempotent producer, in chunks of
 * 5,000 records per sendBatch. Nothing is kept in memory beyond one chunk and the set of ids.
 */
export async function produceBacklog(kafka: Kafka, spec: BacklogSpec): Promise<Backlog> {
  const started = performance.now();
  const gen = createBodyGenerator({ seed: spec.seed, kinds: spec.kinds, batch: ITEMS_PER_BODY, customers: 2_000 });
  const producer = createProducer(kafka);
  const ids = new Set<string>();
  const byType: Record<string, number> = {};
  let produced = 0;
  let valueBytes = 0;
  try {
    while (produced < spec.events) {
      const messages: { key: string; value: Buffer }[] = [];
      const want = Math.min(CHUNK, spec.events - produced);
      // Bounded: every body yields at least one event (the generator never makes empty bodies).
      for (let guard = 0; messages.length < want && guard < want; guard++) {
        const exploded = explodeWebhook(gen.next().body, { receivedAt: Date.now() });
        if (!exploded.ok) throw new Error(`a generated body does not explode: ${exploded.reason}`);
        for (const e of exploded.events) {
          if (messages.length >= want) break;
          if (e.itemId !== null) ids.add(e.itemId);
          const type = `${e.kind}/${e.itemType ?? '?'}`;
          byType[type] = (byType[type] ?? 0) + 1;
          const value = encodeEvent(e);
          valueBytes += value.length;
          messages.push({ key: e.key, value });
        }
      }
      if (messages.length === 0) throw new Error(`the generator yields no events for kinds ${spec.kinds.join(',')}`);
      await producer.send([{ topic: spec.topic, messages }]);
      produced += messages.length;
    }
  } finally {
    await producer.close();
  }
  return { ...spec, produced, distinctIds: ids.size, valueBytes, byType, ms: performance.now() - started };
}
