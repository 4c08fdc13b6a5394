import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalComponent, type Profile } from '@wabus/infra';
import { sendGiveUpMs } from '@wabus/kafka';
import { waitUntil } from '@wabus/testing';
import { assertDelivered, countOnTopic, startTraffic } from './fault-traffic.test-support.ts';
import { startTestIngress } from './test-helpers.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile ? false : 'needs the broker started by `pnpm test` (KAFKA_BROKERS points at an external cluster)';

const ACK_TIMEOUT_MS = 2_000;
/** Well past what one send can take before the producer gives up (its attempts and the pauses between them). */
const STALL_MS = 2 * sendGiveUpMs({ requestTimeoutMs: ACK_TIMEOUT_MS }) + 5_000;

// Issue 10: with kafkajs, a send that timed out while the broker was frozen, but was stored once it woke, made the
// next send of the same size look like its duplicate: acknowledged, never stored. Here the broker is frozen
// (SIGSTOP: connections stay open, nothing answers) far longer than the producer's give-up time, with webhooks of
// one conversation (one partition, one sequence) arriving before, during (one every 2 s, as in the issue: each send a
// single webhook, so sends have the same size) and after; then resumed.
test(
  'broker stalled (SIGSTOP) past the give-up time, webhooks before, during and after: every 200 is on the topic once, every 503 at most once; /readyz is false meanwhile',
  { skip, timeout: 180_000 },
  async (t) => {
    const { app, kafka, topics, post } = await startTestIngress(t, { ackTimeoutMs: ACK_TIMEOUT_MS });
    let frozen = false;
    t.after(() => {
      if (frozen) signalComponent(profile!, 'kafka', 'SIGCONT');
    });
    const traffic = startTraffic(post, { prefix: 'STALL', intervalMs: 100 });
    await waitUntil('a first 200 before the stall', () => traffic.answers().some((a) => a.status === 200), { timeoutMs: 15_000 });

    traffic.phase('during', { intervalMs: 2_000 });
    signalComponent(profile!, 'kafka', 'SIGSTOP');
    frozen = true;
    const readiness: number[] = [];
    const stallEnds = Date.now() + STALL_MS;
    while (Date.now() < stallEnds) {
      readiness.push((await app.inject({ url: '/readyz' })).statusCode);
      await new Promise((r) => setTimeout(r, 500));
    }
    signalComponent(profile!, 'kafka', 'SIGCONT');
    frozen = false;
    traffic.phase('after', { intervalMs: 100 });
    await waitUntil('ingress ready again after the broker resumed', async () => (await app.inject({ url: '/readyz' })).statusCode === 200, {
      timeoutMs: 30_000,
    });
    const acceptedAfter = () => traffic.answers().filter((a) => a.phase === 'after' && a.status === 200).length;
    await waitUntil('40 more webhooks of the same conversation accepted after the resume', () => acceptedAfter() >= 40, { timeoutMs: 30_000 });
    const answers = await traffic.stop();

    const report = assertDelivered(answers, await countOnTopic(kafka, topics.eventsTopic));
    t.diagnostic(JSON.stringify(report));
    assert.ok(readiness.includes(503), `/readyz answered 503 at least once while the broker was frozen (got ${readiness.join(',')})`);
    assert.ok(report.byPhase['during']!.unavailable > 0, 'webhooks posted while the broker was frozen got 503');
    assert.ok(report.byPhase['after']!.accepted >= 40, 'after the resume, webhooks are accepted again');
  },
);
