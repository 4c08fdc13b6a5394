import kafkajs from 'kafkajs';
import type { KafkaAdmin } from './kafka-types.ts';

const { ConfigResourceTypes } = kafkajs;

/** What a topic takes, as the cluster has it now (its own setting, else the broker's default). */
export interface TopicLimit {
  topic: string;
  /** `max.message.bytes`: the largest record batch (after compression) the topic appends; else MESSAGE_TOO_LARGE. */
  maxMessageBytes: number;
  /** `segment.bytes`: a batch larger than a log segment is refused with RECORD_LIST_TOO_LARGE. */
  segmentBytes: number;
  /** The smaller of the two: the largest record batch the topic takes. */
  batchBytes: number;
}

/**
 * The effective `max.message.bytes` and `segment.bytes` of each topic (DescribeConfigs: a topic without its own
 * setting reports the broker's, which is what the broker enforces). Rejects when a topic does not exist or the
 * cluster does not answer, as the admin client does.
 */
export async function readTopicLimits(admin: KafkaAdmin, topics: readonly string[]): Promise<Map<string, TopicLimit>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes', 'segment.bytes'] })),
  });
  const limits = new Map<string, TopicLimit>();
  for (const r of resources) {
    const value = (name: string): number => {
      const raw = r.configEntries.find((e) => e.configName === name)?.configValue;
      const n = Number(raw);
      if (raw === undefined || raw === null || !Number.isSafeInteger(n) || n <= 0)
        throw new Error(`${r.resourceName}: no usable ${name} in DescribeConfigs (${String(raw)})`);
      return n;
    };
    const maxMessageBytes = value('max.message.bytes');
    const segmentBytes = value('segment.bytes');
    limits.set(r.resourceName, { topic: r.resourceName, maxMessageBytes, segmentBytes, batchBytes: Math.min(maxMessageBytes, segmentBytes) });
  }
  for (const t of topics) if (!limits.has(t)) throw new Error(`${t}: not in the DescribeConfigs answer`);
  return limits;
}

/** `readTopicLimits` as the producer's `topicLimits`: the largest batch each topic takes. */
export const batchLimits = (limits: ReadonlyMap<string, TopicLimit>): Record<string, number> =>
  Object.fromEntries([...limits.values()].map((l) => [l.topic, l.batchBytes]));
