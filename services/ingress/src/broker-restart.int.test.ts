import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalComponent, startComponent, stopComponent, type Profile } from '@wabus/infra';
import { waitUntil } from '@wabus/testing';
import { assertDelivered, countOnTopic, startTraffic } from './fault-traffic.test-support.ts';
import { startTestIngress } from './test-helpers.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile ? false : 'needs the broker started by `pnpm test` (KAFKA_BROKERS points at an external cluster)';

/** The broker goes away (`stop`) and comes back on its data while webhooks keep arriving, one every 150 ms. */
async function restartUnderTraffic(t: import('node:test').TestContext, how: 'SIGTERM' | 'SIGKILL') {
  const { app, kafka, topics, post } = await startTestIngress(t, { ackTimeoutMs: 2_000 });
  let down = false;
  t.after(async () => {
    if (down) await startComponent(profile!, 'kafka');
  });
  const traffic = startTraffic(post, { prefix: `RESTART-${how}`, intervalMs: 150 });
  await waitUntil('20 accepted before the restart', () => traffic.answers().filter((a) => a.status === 200).length >= 20, { timeoutMs: 15_000 });

  traffic.phase('during');
  down = true;
  if (how === 'SIGTERM') await stopComponent(profile!, 'kafka');
  else signalComponent(profile!, 'kafka', 'SIGKILL');
  await waitUntil('/readyz 503 with the broker gone', async () => (await app.inject({ url: '/readyz' })).statusCode === 503, { timeoutMs: 15_000 });
  await startComponent(profile!, 'kafka');
  down = false;
  traffic.phase('after');
  const acceptedAfter = () => traffic.answers().filter((a) => a.phase === 'after' && a.status === 200).length;
  await waitUntil('40 accepted after the broker is back', () => acceptedAfter() >= 40, { timeoutMs: 60_000 });
  const answers = await traffic.stop();
  const report = assertDelivered(answers, await countOnTopic(kafka, topics.eventsTopic));
  t.diagnostic(JSON.stringify(report));
  assert.ok(report.byPhase['during']!.unavailable > 0, 'webhooks posted while the broker was down got 503');
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
}

test(
  'broker stopped (SIGTERM) and started again, webhooks throughout: every 200 on the topic once, every 503 at most once',
  { skip, timeout: 180_000 },
  async (t) => {
    await restartUnderTraffic(t, 'SIGTERM');
  },
);

test(
  'broker killed (SIGKILL) and started again, webhooks throughout: every 200 on the topic once, every 503 at most once',
  { skip, timeout: 180_000 },
  async (t) => {
    await restartUnderTraffic(t, 'SIGKILL');
  },
);
