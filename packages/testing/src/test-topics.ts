import type { KafkaClient as Kafka } from '@wabus/kafka';
import { applyTopics, type TopicDefinition } from '@wabus/kafka';
import { readFileSync } from 'node:fs';
import { uniqueName } from './test-env.ts';

const productionTopics = JSON.parse(readFileSync(new URL('../../../infra/topics.json', import.meta.url), 'utf8')) as {
  topics: { name: string; config: Record<string, string> }[];
};

/**
 * The size settings a test-made topic needs to behave as production's: the events topic's `max.message.bytes` from
 * infra/topics.json, and Kafka's default 1 GiB segments set explicitly, so a shared broker started with smaller ones
 * (before issue 14) does not shrink what the topic takes below a 3 MB body (ingress refuses to start on such topics).
 */
export const TOPIC_SIZE_CONFIG: Readonly<Record<string, string>> = {
  'max.message.bytes': productionTopics.topics.find((t) => t.name === 'whatsapp.events.v1')!.config['max.message.bytes']!,
  'segment.bytes': '1073741824',
};

/** TOPIC_SIZE_CONFIG as the admin client's `configEntries`. */
export const topicSizeEntries = (): { name: string; value: string }[] => Object.entries(TOPIC_SIZE_CONFIG).map(([name, value]) => ({ name, value }));

/**
 * Creates uniquely named raw and events topics for one test; `drop()` deletes them (call it in t.after). `replicated`:
 * as infra/topics.cluster.json replicates (3 replicas, 2 in sync for acks=all), for the cluster tests.
 */
export async function createTestTopics(kafka: Kafka, opts: { partitions?: number; replicated?: boolean } = {}) {
  const prefix = opts.replicated ? 'cluster' : 'test';
  const rawTopic = uniqueName(`${prefix}.raw`);
  const eventsTopic = uniqueName(`${prefix}.events`);
  const defs: TopicDefinition[] = [rawTopic, eventsTopic].map((name) => ({
    name,
    partitions: opts.partitions ?? 3,
    replicationFactor: opts.replicated ? 3 : 1,
    config: { ...(opts.replicated ? { 'min.insync.replicas': '2' } : {}), ...TOPIC_SIZE_CONFIG },
  }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await applyTopics(admin, defs);
  } finally {
    await admin.disconnect();
  }
  return {
    rawTopic,
    eventsTopic,
    async drop() {
      const a = kafka.admin();
      await a.connect();
      try {
        await a.deleteTopics({ topics: [rawTopic, eventsTopic] });
      } finally {
        await a.disconnect();
      }
    },
  };
}
