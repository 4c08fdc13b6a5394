import type { KafkaClient } from '@wabus/kafka';
import { waitUntil } from '@wabus/testing';

export interface PartitionReplicas {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** Leader, replicas and in-sync replicas of every partition of `topics`, as the cluster's metadata says now. */
export async function partitionReplicas(kafka: KafkaClient, topics: string[]): Promise<PartitionReplicas[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    return metadata.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort(), isr: [...p.isr].sort() })),
    );
  } finally {
    await admin.disconnect();
  }
}

/** The broker leading most partitions of `topic` (the lowest id among equals). */
export function busiestLeader(partitions: readonly PartitionReplicas[], topic: string): number {
  const led = new Map<number, number>();
  for (const p of partitions) if (p.topic === topic) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
  const [leader] = [...led].sort(([a, na], [b, nb]) => nb - na || a - b)[0] ?? [];
  if (leader === undefined) throw new Error(`${topic} has no partitions`);
  return leader;
}

const describe = (ps: readonly PartitionReplicas[]) => ps.map((p) => `${p.topic}/${p.partition} leader ${p.leader} isr [${p.isr.join(',')}]`).join('; ');

/**
 * Waits until `check` holds for every partition of `topics` (the cluster's own signal: its metadata); fails after
 * `timeoutMs` showing the last metadata seen.
 */
export async function waitForPartitions(
  kafka: KafkaClient,
  topics: string[],
  what: string,
  check: (p: PartitionReplicas) => boolean,
  timeoutMs = 60_000,
): Promise<PartitionReplicas[]> {
  let last: PartitionReplicas[] = [];
  await waitUntil(
    () => `${what}; last seen: ${describe(last)}`,
    async () => {
      last = await partitionReplicas(kafka, topics).catch(() => []);
      return last.length > 0 && last.every(check);
    },
    { timeoutMs, intervalMs: 250 },
  );
  return last;
}
