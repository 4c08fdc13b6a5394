import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { InfraError } from './errors.ts';

/** Node ids of the brokers the cluster lists as registered (unfenced), asked through `brokers`; [] when it cannot answer. */
export async function registeredBrokers(brokers: string[]): Promise<number[]> {
  const kafka = new Kafka({
    clientId: 'wabus-infra-readiness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } catch {
    return [];
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Resolves once the cluster lists every one of `nodeIds` as a registered broker: the cluster profile's readiness
 * (each node waited for itself; this says they are all in at once). INFRA_CLUSTER_INCOMPLETE after `timeoutMs`.
 */
export async function waitForBrokers(brokers: string[], nodeIds: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const registered = await registeredBrokers(brokers);
    if (nodeIds.every((id) => registered.includes(id))) return;
    if (Date.now() >= deadline) {
      throw new InfraError(
        'INFRA_CLUSTER_INCOMPLETE',
        `brokers ${nodeIds.join(', ')} not all registered after ${timeoutMs} ms (registered: ${registered.join(', ') || 'none'})`,
        { brokers, registered },
      );
    }
    await sleep(250);
  }
}
