import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaFaultListener, type Profile } from '@wabus/infra';
import { KAFKA_API, startTcpFaultProxy, waitUntil, type FaultKind } from '@wabus/testing';
import { assertDelivered, countOnTopic, startTraffic } from './fault-traffic.test-support.ts';
import { startTestIngress } from './test-helpers.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile ? false : "needs the test broker's fault listener (started by `pnpm test`; KAFKA_BROKERS points at an external cluster)";

/**
 * Ingress produces through a TCP proxy that understands Kafka's framing (the test broker's FAULTS listener
 * advertises the proxy, so every request of this producer passes it); topics are read directly. The proxy does
 * `kind` to the next `count` produce requests while webhooks of one conversation keep arriving; then everything
 * passes again.
 */
async function underFault(t: import('node:test').TestContext, kind: FaultKind, count: number) {
  const { proxy, listener } = kafkaFaultListener();
  const faults = await startTcpFaultProxy({ listen: proxy, target: listener });
  t.after(() => faults.close());
  const { kafka, topics, post } = await startTestIngress(t, { ackTimeoutMs: 2_000, producerBrokers: [`${proxy.host}:${proxy.port}`] });
  const traffic = startTraffic(post, { prefix: kind.toUpperCase(), intervalMs: 250 });
  await waitUntil('a first 200 through the proxy', () => traffic.answers().some((a) => a.status === 200), { timeoutMs: 15_000 });
  traffic.phase('during');
  faults.inject({ kind, apiKey: KAFKA_API.produce, count });
  await waitUntil(
    () => `${count} produce requests hit by ${kind} (done: ${faults.stats().faultsDone})`,
    () => faults.stats().faultsDone >= count,
    { timeoutMs: 90_000 },
  );
  traffic.phase('after');
  const acceptedAfter = () => traffic.answers().filter((a) => a.phase === 'after' && a.status === 200).length;
  await waitUntil('20 webhooks accepted after the fault', () => acceptedAfter() >= 20, { timeoutMs: 30_000 });
  const answers = await traffic.stop();
  const report = assertDelivered(answers, await countOnTopic(kafka, topics.eventsTopic));
  t.diagnostic(JSON.stringify({ ...report, produceRequests: faults.stats().requests.get(KAFKA_API.produce) }));
  return report;
}

test(
  'lost responses: the broker stores a produce request but its response never arrives (more times than the producer retries) → every 200 on the topic once, every 503 at most once',
  { skip, timeout: 150_000 },
  async (t) => {
    const report = await underFault(t, 'drop-response', 8);
    assert.ok(report.unavailable > 0, 'sends that got no answer within their retries were answered 503');
    assert.ok(report.unavailableStored > 0, 'some 503s were stored after all (the broker got them): at most once');
  },
);

test(
  'half-done calls: the broker answers, then the connection is cut before the answer reaches ingress → every 200 on the topic once, every 503 at most once',
  { skip, timeout: 150_000 },
  async (t) => {
    await underFault(t, 'close-after-response', 6);
  },
);

test(
  'requests lost on the way: the connection is cut before the broker sees the produce request → every 200 on the topic once, nothing stored twice',
  { skip, timeout: 150_000 },
  async (t) => {
    await underFault(t, 'close-before-forward', 6);
  },
);
