import type { KafkaClient as Kafka } from '@wabus/kafka';
import { applyTopics, type TopicDefinition } from '@wabus/kafka';
import { uniqueName } from './test-env.ts';

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
    // What infra/topics.json gives production: 4 MiB records, and Kafka's default 1 GiB segments set explicitly, so a
    // shared broker started with smaller ones (before issue 14) does not shrink what the topic takes below a 3 MB body.
    config: { ...(opts.replicated ? { 'min.insync.replicas': '2' } : {}), 'max.message.bytes': '4194304', 'segment.bytes': '1073741824' },
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
