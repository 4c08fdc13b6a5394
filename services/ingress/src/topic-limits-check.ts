import { readTopicLimits, type KafkaClient, type LogSink, type TopicLimit } from '@wabus/kafka';
import { IngressError } from './errors.ts';

/**
 * What a record of a body carries beside the body, at most, for a body Meta sends: its key (a 64-hex delivery id, or
 * a conversation key of two ids), its headers (ids, receipt time, secret label, tenants, and the request's
 * `traceparent`/`tracestate`, which Node's 16 KiB header limit bounds), its framing and the batch header. An event
 * record holds its item's raw JSON and its contact's, both slices of the body, plus ids copied from it.
 */
export const RECORD_OVERHEAD_BYTES = 32 * 1024;

/** The record batch a body of `bodyLimit` bytes needs a topic to take: its one record alone. */
export const requiredBatchBytes = (bodyLimit: number): number => bodyLimit + RECORD_OVERHEAD_BYTES;

/**
 * Refuses a start whose topics could not store a body of the configured limit: the raw topic takes every body whole,
 * and the events topic must take an event whose item is the whole body (a history sync or an account-level change is
 * one event holding its change). Each is measured by the largest batch it takes (the smaller of max.message.bytes
 * and segment.bytes). Lowering the body limit to fit instead would answer 413 to bodies Meta may send, which Meta
 * retries for days: a misconfiguration should stop the rollout, not hide in answers (docs/limits.md).
 */
export function checkTopicLimits(bodyLimit: number, topics: readonly TopicLimit[]): void {
  const need = requiredBatchBytes(bodyLimit);
  const short = topics.filter((t) => t.batchBytes < need);
  if (short.length === 0) return;
  const said = short.map((t) => {
    const raise = [...(t.maxMessageBytes < need ? ['max.message.bytes'] : []), ...(t.segmentBytes < need ? ['segment.bytes'] : [])].join(' and ');
    return (
      `topic ${t.topic} takes record batches of at most ${t.batchBytes} bytes (max.message.bytes ${t.maxMessageBytes}, segment.bytes ${t.segmentBytes})` +
      `, but a body of INGRESS_BODY_LIMIT ${bodyLimit} bytes needs ${need}: raise its ${raise} to at least ${need}`
    );
  });
  const fits = Math.min(...short.map((t) => t.batchBytes)) - RECORD_OVERHEAD_BYTES;
  throw new IngressError('WABUS_INGRESS_TOPIC_TOO_SMALL', {
    message: `${said.join('; ')} (infra/topics.json has 4194304), or lower INGRESS_BODY_LIMIT to at most ${Math.max(0, fits)}`,
    param: 'INGRESS_BODY_LIMIT',
    details: { bodyLimit, needBytes: need, topics: short },
  });
}

/**
 * The topics' limits, read when the cluster answers: until then (broker unreachable, topics not created yet) it
 * retries with backoff up to 10 s, logging why, as the producer's own connect does. Ingress cannot store anything
 * before that either.
 */
export async function awaitTopicLimits(kafka: KafkaClient, topics: readonly string[], log: LogSink): Promise<TopicLimit[]> {
  for (let attempt = 0; ; attempt++) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const limits = await readTopicLimits(admin, topics);
      return topics.map((t) => limits.get(t)!);
    } catch (err) {
      const delay = Math.min(10_000, 250 * 2 ** attempt);
      log.warn({ component: 'topic-limits', err, topics, retryInMs: delay }, 'cannot read the topics’ limits yet (is Kafka up, are the topics created?)');
      await new Promise((r) => setTimeout(r, delay));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
