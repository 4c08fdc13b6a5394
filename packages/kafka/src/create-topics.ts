import type { ITopicConfig } from 'kafkajs';
import { KafkaError } from './errors.ts';
import type { KafkaAdmin } from './kafka-types.ts';

/**
 * What a broker answers while a topic just created has not reached its metadata cache, or while a partition it is
 * named leader of is not yet loaded (a ListOffsets right after creation: NOT_LEADER_FOR_PARTITION).
 */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Creates topics (those that exist already are left as they are) and returns once every partition of each has a
 * leader that answers for it (its offsets). kafkajs' own `waitForLeaders` retries only LEADER_NOT_AVAILABLE, but a KRaft broker whose metadata cache is
 * a moment behind the controller answers UNKNOWN_TOPIC_OR_PARTITION for a topic it created itself: both mean "not
 * yet", so both are waited out here, up to `timeoutMs`. Returns whether any topic was created (like kafkajs).
 */
export async function createTopicsAndWait(admin: KafkaAdmin, opts: { topics: ITopicConfig[]; timeoutMs?: number }): Promise<boolean> {
  const created = await admin.createTopics({ topics: opts.topics, waitForLeaders: false });
  const names = opts.topics.map((t) => t.topic);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        // Each leader answers for its partitions: what tests and tools do first (offsets, produce) then works.
        for (const name of names) await admin.fetchTopicOffsets(name);
        return created;
      }
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type === undefined || !NOT_YET.has(type) || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) {
      throw new KafkaError('WABUS_KAFKA_TOPICS_NOT_READY', { message: `topics without a leader after ${opts.timeoutMs ?? 30_000} ms: ${names.join(', ')}` });
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}
