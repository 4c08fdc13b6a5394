import type { Kafka } from 'kafkajs';
import { KafkaError } from './errors.ts';

export interface GroupOffset {
  partition: number;
  /** The next offset the group will read. */
  offset: string;
  /** Stored with the commit (e.g. a replay mark); null for none. */
  metadata: string | null;
}

export interface GroupState {
  state: string;
  members: { memberId: string; clientId: string; clientHost: string }[];
}

export async function describeGroup(kafka: Kafka, groupId: string): Promise<GroupState> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const g = groups[0];
    return { state: g?.state ?? 'Dead', members: (g?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost })) };
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets (with their metadata) of a group on a topic; partitions without a commit have offset -1. */
export async function fetchGroupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<GroupOffset[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? [])
      .map((p) => ({ partition: p.partition, offset: p.offset, metadata: p.metadata ?? null }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits offsets, with metadata, for a group that has no live members. kafkajs' admin `setOffsets` cannot carry
 * metadata, so this joins the (empty) group for a moment as its only member, commits, and leaves; the commit is read
 * back to prove it. Refuses (WABUS_KAFKA_GROUP_LIVE) when the group has members: their next commit would overwrite
 * ours, and the group coordinator would reject ours anyway.
 */
export async function setGroupOffsets(kafka: Kafka, groupId: string, topic: string, offsets: readonly GroupOffset[]): Promise<void> {
  const before = await describeGroup(kafka, groupId);
  if (before.members.length > 0) {
    throw new KafkaError('WABUS_KAFKA_GROUP_LIVE', {
      message: `group ${groupId} has ${before.members.length} live member(s) (${before.members.map((m) => `${m.clientId}@${m.clientHost}`).join(', ')}); stop them first`,
    });
  }
  // A short fetch wait: the member is paused and consumes nothing, and leaving waits for its fetch in flight (5 s by
  // default, the bulk of every reset).
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
  let failure: unknown = null;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Nothing is consumed: the member exists only to commit.
      eachBatch: async ({ pause }) => {
        pause();
      },
    });
    consumer.pause([{ topic }]);
    await joined;
    await consumer.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: o.offset, metadata: o.metadata })));
  } catch (err) {
    failure = err;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  if (failure !== null)
    throw new KafkaError('WABUS_KAFKA_OFFSETS_NOT_SET', {
      message: `could not commit offsets for group ${groupId}: ${(failure as Error).message}`,
      cause: failure,
    });
  const now = new Map((await fetchGroupOffsets(kafka, groupId, topic)).map((o) => [o.partition, o]));
  for (const o of offsets) {
    const got = now.get(o.partition);
    if (got?.offset !== o.offset || (got.metadata ?? '') !== (o.metadata ?? '')) {
      throw new KafkaError('WABUS_KAFKA_OFFSETS_NOT_SET', {
        message: `group ${groupId} partition ${o.partition}: committed ${got?.offset ?? 'nothing'}, expected ${o.offset} (another member committed meanwhile?)`,
      });
    }
  }
}
