import type { Admin, Kafka } from 'kafkajs';
import { OpsError } from './errors.ts';

/** Connects an admin client; any failure to connect means the cluster cannot be reached. */
export async function connectAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    // connect() only opens a socket lazily on some paths: one metadata round trip proves the cluster answers.
    await admin.describeCluster();
  } catch (cause) {
    await admin.disconnect().catch(() => undefined);
    throw new OpsError('WABUS_OPS_BROKER_UNREACHABLE', `cannot reach Kafka: ${(cause as Error).message}`, { cause });
  }
  return admin;
}

/** Fails with one error naming every topic that does not exist (the cluster never auto-creates topics). */
export async function requireTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new OpsError('WABUS_OPS_TOPIC_MISSING', `topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not on the cluster (run \`pnpm wabus topics apply\`)`, {
      details: { missing },
    });
  }
}

/** Those of `topics` that exist. */
export async function existingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  return [...new Set(topics)].filter((t) => existing.has(t));
}
