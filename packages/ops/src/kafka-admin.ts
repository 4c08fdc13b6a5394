import { connect } from 'node:net';
import type { KafkaAdmin as Admin, KafkaClient as Kafka } from '@wabus/kafka';
import { OpsError } from './errors.ts';

/** Resolves with the error of a TCP connection to host:port that fails or takes longer than `timeoutMs`, else null. */
function tcpFailure(address: string, timeoutMs: number): Promise<Error | null> {
  const i = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
    const done = (err: Error | null) => {
      socket.destroy();
      resolve(err);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`connect ${address}: no answer within ${timeoutMs} ms`)));
    socket.once('connect', () => done(null));
    socket.once('error', done);
  });
}

/**
 * Connects an admin client; failing to connect means the cluster cannot be reached. With `brokers`, a plain TCP
 * connection to each is tried first, so that an operator with a wrong KAFKA_BROKERS is told at once instead of after
 * the client's retries with backoff.
 */
export async function connectAdmin(kafka: Kafka, o: { brokers?: readonly string[]; tcpTimeoutMs?: number } = {}): Promise<Admin> {
  if (o.brokers && o.brokers.length > 0) {
    const failures = await Promise.all(o.brokers.map((b) => tcpFailure(b, o.tcpTimeoutMs ?? 3_000)));
    if (failures.every((f) => f !== null)) {
      throw new OpsError('WABUS_OPS_BROKER_UNREACHABLE', { message: `cannot reach Kafka: ${failures.map((f) => f!.message).join('; ')}`, cause: failures[0] });
    }
  }
  const admin = kafka.admin();
  try {
    await admin.connect();
    // One metadata round trip proves the cluster answers.
    await admin.describeCluster();
  } catch (cause) {
    await admin.disconnect().catch(() => undefined);
    throw new OpsError('WABUS_OPS_BROKER_UNREACHABLE', { message: `cannot reach Kafka: ${(cause as Error).message}`, cause });
  }
  return admin;
}

/** Fails with one error naming every topic that does not exist (the cluster never auto-creates topics). */
export async function requireTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new OpsError('WABUS_OPS_TOPIC_MISSING', {
      message: `topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not on the cluster (run \`pnpm wabus topics apply\`)`,
      details: { missing },
    });
  }
}

/** Those of `topics` that exist. */
export async function existingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  return [...new Set(topics)].filter((t) => existing.has(t));
}
