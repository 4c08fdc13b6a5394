import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebhookEndpointStandIn } from '@wabus/standins';
import { createEventTopics, produceRecords, testDatabase, testMongoClient, waitUntil } from '@wabus/testing';
import {
  dispatcherEnv,
  metric,
  mixedWorkload,
  readDeliveries,
  SECRET,
  startDispatcherInProcess,
  subscriptionsFile,
  testKafka,
} from './dispatcher.test-support.ts';

const hook = (url: string) => ({ type: 'webhook', url, secret: SECRET });
const inbound = { kinds: ['message'] };

test(
  'a failing endpoint is paused by its breaker and alerted on, while a healthy one keeps its latency; it drains once back; a refusing one fills its dead letters',
  { timeout: 180_000 },
  async (t) => {
    const kafka = testKafka();
    const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'dispatch.iso', partitions: 3 });
    const healthy = await startWebhookEndpointStandIn();
    const broken = await startWebhookEndpointStandIn();
    const refusing = await startWebhookEndpointStandIn();
    t.after(() => Promise.all([healthy.close(), broken.close(), refusing.close()]));
    broken.behave({ status: 503 });
    refusing.behave({ status: 422 });
    const database = testDatabase(t, { prefix: 'dispatch_iso' });
    const file = await subscriptionsFile([
      { id: 'healthy', target: hook(healthy.url), filter: inbound },
      { id: 'broken', target: hook(broken.url), filter: inbound },
      { id: 'refusing', target: hook(refusing.url), filter: inbound },
    ]);
    const service = await startDispatcherInProcess(
      t,
      dispatcherEnv({
        topic,
        dlqTopic,
        database,
        port: 0,
        extra: {
          LOG_LEVEL: 'silent',
          DISPATCHER_SUBSCRIPTIONS_FILE: file,
          DISPATCHER_BREAKER_FAILURES: '3',
          DISPATCHER_BREAKER_PAUSE_MS: '1500',
          DISPATCHER_BREAKER_MAX_PAUSE_MS: '1500',
          DISPATCHER_MAX_ATTEMPTS: '100',
        },
      }),
    );
    const mongo = await testMongoClient(t);

    // Wave 1: the broken endpoint fails 3 times in a row and is paused.
    const w1 = mixedWorkload('isolation-1', 80);
    const inbound1 = new Set(w1.events.filter((e) => e.kind === 'message').map((e) => e.eventId)).size;
    await produceRecords(kafka, topic, w1.records);
    await healthy.waitFor(inbound1);
    await waitUntil('broken paused', () => service.workers.breaker('broken')?.state === 'open');
    assert.equal(await metric(service, 'wabus_dispatcher_endpoint_paused', { subscription: 'broken' }), 1);
    assert.equal(await metric(service, 'wabus_dispatcher_endpoint_paused', { subscription: 'healthy' }), 0);
    const api = (await service.app.inject({ method: 'GET', url: '/v1/subscriptions/broken' })).json<{
      breaker: { state: string };
      target: { secretSet: boolean; secret?: string };
    }>();
    assert.equal(api.breaker.state, 'open');
    assert.deepEqual([api.target.secretSet, api.target.secret], [true, undefined], 'the API never shows a secret');

    // Wave 2, while broken is paused or probing: healthy receives every new delivery promptly.
    const w2 = mixedWorkload('isolation-2', 80);
    const inbound2 = new Set(w2.events.filter((e) => e.kind === 'message').map((e) => e.eventId)).size;
    const brokenBefore = broken.received.length;
    const producedAt = Date.now();
    await produceRecords(kafka, topic, w2.records);
    const got = await healthy.waitFor(inbound1 + inbound2);
    const slowest = Math.max(...got.slice(inbound1).map((r) => r.at - producedAt));
    t.diagnostic(`healthy: wave 2 received ${slowest} ms after its produce at the slowest, while broken failed`);
    // Isolation itself is that healthy got all of wave 2 while broken still fails (it answers 503 until told
    // otherwise below): blocked behind broken, it would wait for ever. The bound is loose on purpose (the secantus
    // tier runs this beside other files on one store); the rate beside a failing endpoint is the bench's to measure.
    assert.ok(slowest < 10_000, `healthy: wave 2 within 10 s of its produce (slowest ${slowest} ms) while broken fails`);
    // Failing for long: each probe fails and pauses it again; healthy never waits for it.
    await broken.waitFor(brokenBefore + 2, undefined, 10_000);
    await waitUntil('broken paused again after a failed probe', () => service.workers.breaker('broken')?.state === 'open');
    const probes = broken.received.length - brokenBefore;
    const pausedFor = Date.now() - producedAt;
    assert.ok(probes <= Math.ceil(pausedFor / 1_500) + 1, `paused: one probe per pause (${probes} requests in ${pausedFor} ms), not a retry storm`);

    // Back: the next probe succeeds, the breaker closes, every broken delivery is sent, in time.
    broken.behave({ status: 200 });
    const ids = (r: { headers: Record<string, string> }) => r.headers['x-wabus-delivery-id']!;
    await waitUntil('broken drained', async () => (await readDeliveries(mongo, database, 'broken')).every((d) => d.status === 'delivered'), {
      timeoutMs: 60_000,
    });
    assert.equal((await readDeliveries(mongo, database, 'broken')).length, inbound1 + inbound2);
    assert.equal(new Set(broken.received.filter((r) => r.status === 200).map(ids)).size, inbound1 + inbound2, 'each broken delivery accepted once');
    assert.equal(service.workers.breaker('broken')?.state, 'closed');
    assert.equal(await metric(service, 'wabus_dispatcher_endpoint_paused', { subscription: 'broken' }), 0);
    assert.equal(await metric(service, 'wabus_dispatcher_deliveries_total', { subscription: 'healthy', status: 'delivered' }), inbound1 + inbound2);
    assert.equal(await metric(service, 'wabus_dispatcher_deliveries_total', { subscription: 'broken', status: 'delivered' }), inbound1 + inbound2);
    assert.ok((await metric(service, 'wabus_dispatcher_attempts_total', { subscription: 'broken', result: 'retryable', code: '503' })) >= 3);

    // Refused (422): each delivery straight to the endpoint's dead letters, listed by the API, redelivered on request.
    await waitUntil(
      'refusing all dead',
      async () => (await readDeliveries(mongo, database, 'refusing')).filter((d) => d.status === 'dead').length === inbound1 + inbound2,
    );
    assert.equal(refusing.received.length, inbound1 + inbound2, 'a refusal is not retried');
    const dead = (await service.app.inject({ method: 'GET', url: '/v1/subscriptions/refusing/deliveries?status=dead&limit=5' })).json<{
      deliveries: { _id: string; lastError: string }[];
      next: string;
    }>();
    assert.equal(dead.deliveries.length, 5);
    assert.equal(dead.deliveries[0]!.lastError, 'HTTP 422: refused');
    refusing.behave({ status: 200 });
    const again = await service.app.inject({ method: 'POST', url: `/v1/deliveries/${dead.deliveries[0]!._id}/redeliver` });
    assert.equal(again.statusCode, 200);
    const [redelivered] = await refusing.waitFor(1, (r) => r.status === 200);
    assert.equal(ids(redelivered!), dead.deliveries[0]!._id, 'the same delivery id');
    assert.equal(
      (await service.app.inject({ method: 'POST', url: `/v1/deliveries/${dead.deliveries[0]!._id}/redeliver` })).json<{ error: { code: string } }>().error.code,
      'WABUS_DISPATCHER_NOT_FOUND',
    );
  },
);
