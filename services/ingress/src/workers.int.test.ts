import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, descendantPids, processExists, testEnv, waitUntil } from '@wabus/testing';
import { countOnTopic } from './fault-traffic.test-support.ts';
import { customerWebhook } from './http-traffic.test-support.ts';
import { startIngressProcess } from './ingress-process.test-support.ts';

// INGRESS_WORKERS > 1 on the chassis: the first process only supervises; each worker is a whole ingress.
test('ingress with 2 workers: every webhook stored once; a SIGKILLed worker is replaced; SIGTERM stops the workers, then the supervisor, exit 0', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'workers-test' });
  const topics = await createTestTopics(kafka);
  t.after(() => topics.drop());
  const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, ...topics, env: { INGRESS_WORKERS: '2', LOG_LEVEL: 'info' } });
  const supervisor = ingress.service.child.pid!;
  await waitUntil('two workers', () => descendantPids(supervisor).length === 2);
  const [first, second] = descendantPids(supervisor) as [number, number];

  const post = async (from: number, n: number) => {
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => ingress.post(customerWebhook(`wamid.W${from + i}`, (from + i) % 7))));
    return answers.map((a) => a.status);
  };
  assert.deepEqual(await post(0, 20), Array(20).fill(200));

  process.kill(first, 'SIGKILL');
  await waitUntil('a third worker in place of the killed one', () => {
    const now = descendantPids(supervisor);
    return now.length === 2 && !now.includes(first) && now.includes(second);
  });
  // A probe refused while the replacement starts counts as not ready yet (seen once in CI at load 10: ECONNREFUSED
  // right after the new worker appeared); the webhooks below must all be 200 all the same.
  await waitUntil('ready again', async () => (await fetch(`${ingress.base}/readyz`).catch(() => null))?.status === 200);
  assert.deepEqual(await post(20, 20), Array(20).fill(200));
  // The supervisor's log is buffered but written out within a second: the death is there, naming the worker.
  await waitUntil('the death logged', () => new RegExp(`"workerPid":${first}[^\\n]*ingress worker died; starting another`).test(ingress.service.output()));

  const workers = descendantPids(supervisor);
  assert.equal(await ingress.service.stop(), 0);
  assert.deepEqual(workers.filter(processExists), [], 'no worker outlives the supervisor');
  const onTopic = await countOnTopic(kafka, topics.eventsTopic);
  assert.deepEqual(
    Array.from({ length: 40 }, (_, i) => onTopic.get(`wamid.W${i}`)),
    Array(40).fill(1),
    'every acknowledged webhook on the topic, once',
  );
});
