import { applyTopics, type KafkaClient, type TopicDefinition } from '@wabus/kafka';
import { uniqueName } from '@wabus/testing';

/**
 * Uniquely named raw and events topics for one cluster test, replicated as infra/topics.cluster.json replicates
 * (3 replicas, 2 in sync for acks=all); `drop()` deletes them (with every broker back, in t.after).
 */
export async function createReplicatedTopics(kafka: KafkaClient, opts: { partitions: number }) {
  const rawTopic = uniqueName('cluster.raw');
  const eventsTopic = uniqueName('cluster.events');
  const defs: TopicDefinition[] = [rawTopic, eventsTopic].map((name) => ({
    name,
    partitions: opts.partitions,
    replicationFactor: 3,
    config: { 'min.insync.replicas': '2', 'max.message.bytes': '4194304' },
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
