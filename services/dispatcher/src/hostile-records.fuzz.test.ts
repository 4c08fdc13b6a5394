// Records whose item is hostile (docs/fuzz.md, consumers), between good messages on one partition: each is applied or
// dead-lettered with a code, and every good message after them is delivered to the endpoint (nothing poisons the
// partition or the queue), its body valid JSON whatever bytes the hostile items carried.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { startWebhookEndpointStandIn } from '@wabus/standins';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import { testDatabase, testMongoClient, waitUntil } from '@wabus/testing';
import { dispatcherEnv, readDeliveries, SECRET, startDispatcherInProcess, subscriptionsFile, testKafka } from './dispatcher.test-support.ts';
import { deliveryIdOf } from './sign-delivery.ts';

test('dispatcher: hostile records are applied or dead-lettered with a code, and never hold back the deliveries after them', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'dispatch.hostile', kinds: ['message'], bodies: 60 });
  const endpoint = await startWebhookEndpointStandIn();
  t.after(() => endpoint.close());
  const file = await subscriptionsFile([{ id: 'all', target: { type: 'webhook', url: endpoint.url, secret: SECRET }, filter: {} }]);
  const database = testDatabase(t, { prefix: 'dispatch_hostile' });
  const env = dispatcherEnv({ topic, dlqTopic, database, port: 0, extra: { LOG_LEVEL: 'silent', DISPATCHER_SUBSCRIPTIONS_FILE: file } });
  let service: Awaited<ReturnType<typeof startDispatcherInProcess>> | undefined;
  const run = await consumeHostileRecords({ kafka, topic, dlqTopic, good, hostile, start: async () => (service = await startDispatcherInProcess(t, env)) });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  const mongo = await testMongoClient(t);
  const wanted = new Set(run.goodAfter.map((r) => deliveryIdOf(decodeEvent(r.value).eventId, 'all')));
  await waitUntil('every good message after the hostile ones delivered', async () => {
    const delivered = new Set((await readDeliveries(mongo, database, 'all')).filter((d) => d.status === 'delivered').map((d) => d._id));
    return [...wanted].every((id) => delivered.has(id));
  });
  for (const r of endpoint.received) assert.doesNotThrow(() => JSON.parse(r.body), 'every body sent is JSON');
  assert.ok(service!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
