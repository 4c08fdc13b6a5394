import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeReplayPlan, planReplay, replayProgress, waitForEmptyGroup } from '@wabus/ops';
import { createRng } from '@wabus/simulator';
import { startWebhookEndpointStandIn, type ReceivedWebhook } from '@wabus/standins';
import {
  committedTotal,
  createEventTopics,
  freePort,
  killAtRandomPoints,
  produceRecords,
  spawnServiceProcess,
  testDatabase,
  testMongoClient,
  uniqueName,
  waitUntil,
} from '@wabus/testing';
import { dispatcherEnv, mixedWorkload, readDeliveries, SECRET, subscriptionsFile, testKafka } from './dispatcher.test-support.ts';
import { deliveryIdOf, verifySignature } from './sign-delivery.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test(
  "dispatcher: one number's inbound texts, exactly those, signed, once each, in order per conversation, across Meta's duplicates, 3 SIGKILLs and replays; --allow-effects dispatches history to a subscription added later, still once",
  { timeout: 300_000 },
  async (t) => {
    const kafka = testKafka();
    const { records, events, a } = mixedWorkload('exactly-once', 260);
    const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'dispatch.events', partitions: 3 });
    await produceRecords(kafka, topic, records);
    const total = BigInt(records.length);
    const isTextOfA = (e: (typeof events)[number]) => e.kind === 'message' && e.itemType === 'text' && e.phoneNumberId === a.phoneNumberId;
    const expected = new Set(events.filter(isTextOfA).map((e) => deliveryIdOf(e.eventId, 'texts-a')));
    const copies = events.filter(isTextOfA).length;
    assert.ok(expected.size >= 40 && copies > expected.size, `a workload with ${expected.size} texts of A, ${copies - expected.size} of them again`);

    const endpoint = await startWebhookEndpointStandIn();
    t.after(() => endpoint.close());
    // Slow answers, so that kills land with requests in flight.
    endpoint.behave({ status: 200, delayMs: 25 });
    const late = await startWebhookEndpointStandIn();
    t.after(() => late.close());
    const file = await subscriptionsFile([
      {
        id: 'texts-a',
        target: { type: 'webhook', url: `${endpoint.url}/hook`, secret: SECRET },
        filter: { kinds: ['message'], messageTypes: ['text'], phoneNumberIds: [a.phoneNumberId] },
      },
    ]);
    const database = testDatabase(t, { prefix: 'dispatch' });
    const groupId = uniqueName('dispatch.group');
    const port = await freePort();
    const env = dispatcherEnv({
      topic,
      dlqTopic,
      database,
      port,
      groupId,
      extra: {
        DISPATCHER_SUBSCRIPTIONS_FILE: file,
        WABUS_MAX_BATCH: '20',
        DISPATCHER_CONCURRENCY: '4',
        DISPATCHER_TIMEOUT_MS: '1000',
        DISPATCHER_LEASE_MS: '2000',
        WABUS_SESSION_TIMEOUT_MS: '6000',
      },
    });
    const mongo = await testMongoClient(t);

    const rng = createRng('exactly-once-kills');
    const killedAt = await killAtRandomPoints({
      rounds: 3,
      start: () => spawnServiceProcess(t, MAIN, env),
      pick() {
        const target = endpoint.received.length + rng.int(3, 15);
        return (run) =>
          endpoint.waitFor(target, undefined, 60_000).catch((err: Error) => {
            throw new Error(`${err.message}\n${run.output().slice(-3_000)}`);
          });
      },
      afterKill: () => committedTotal(kafka, groupId, topic),
    });
    const run = spawnServiceProcess(t, MAIN, env);
    const settled = async (sub: string, n: number) => {
      const ds = await readDeliveries(mongo, database, sub);
      return ds.length === n && ds.every((d) => d.status !== 'pending' && d.status !== 'sending');
    };
    await waitUntil(
      () => `every record committed and every delivery settled\n${run.output().slice(-2_000)}`,
      async () => (await committedTotal(kafka, groupId, topic)) === total && (await settled('texts-a', expected.size)),
      { timeoutMs: 120_000 },
    );

    // Exactly the expected deliveries, each received, signed; one in flight at a kill may arrive twice, with the same
    // delivery id and body (at least once: the receiver deduplicates by X-Wabus-Delivery-Id), never lost.
    const ids = endpoint.received.map((r) => r.headers['x-wabus-delivery-id']!);
    assert.deepEqual(new Set(ids), expected, 'every text of A received');
    const bodies = new Map<string, string>();
    for (const r of endpoint.received) {
      const id = r.headers['x-wabus-delivery-id']!;
      assert.ok(expected.has(id), 'only texts of A');
      assert.equal((JSON.parse(r.body) as { id: string }).id, id);
      assert.ok(verifySignature({ secret: SECRET, header: r.headers['x-wabus-signature']!, body: r.body, now: r.at }), 'signed');
      assert.equal(r.path, '/hook');
      assert.equal(bodies.get(id) ?? r.body, r.body, 'a delivery sent again is the same body');
      bodies.set(id, r.body);
    }
    const again = ids.length - expected.size;
    assert.ok(again <= 3 * 4, `only the attempts in flight at 3 kills (4 each) may arrive twice (${again})`);
    const docs = await readDeliveries(mongo, database, 'texts-a');
    assert.deepEqual(
      docs.filter((d) => d.status !== 'delivered').map((d) => `${d._id} ${d.status}`),
      [],
      'every delivery delivered',
    );
    assertOrdered(endpoint.received, new Map(docs.map((d) => [d._id, d.order])));
    const received = endpoint.received.length;

    // A subscription added through the API after the fact gets nothing of the past... (The condition above can hold
    // before this process listens: the killed ones may have committed and settled everything. Wait for its API.)
    await waitUntil(
      () => `the dispatcher's API answering\n${run.output().slice(-2_000)}`,
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200,
      { timeoutMs: 60_000 },
    );
    const put = await fetch(`http://127.0.0.1:${port}/v1/subscriptions/late`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        target: { type: 'webhook', url: late.url, secret: SECRET },
        filter: { kinds: ['message'], messageTypes: ['text'], phoneNumberIds: [a.phoneNumberId] },
      }),
    });
    assert.equal(put.status, 201, await put.clone().text());
    assert.equal(await run.stop(), 0, 'graceful stop');

    // ...nor from a replay of the whole log (records carry the replay header)...
    const replay = async (id: string, effects: boolean) => {
      const plan = await planReplay(kafka, { mode: 'reset', topic, groupId, from: { kind: 'beginning' }, to: { kind: 'frontier' }, id, effects });
      // As `replay reset --wait` does: a member of a SIGKILLed process stays until its session times out (CI once
      // saw one live here, WABUS_OPS_GROUP_LIVE).
      await waitForEmptyGroup(kafka, groupId, 60_000);
      await executeReplayPlan(kafka, plan);
      const p = spawnServiceProcess(t, MAIN, env);
      await waitUntil(
        () => `replay ${id} finished\n${p.output().slice(-2_000)}`,
        async () => (await replayProgress(kafka, plan)).finished,
        { timeoutMs: 90_000 },
      );
      await waitUntil('late settled', async () => (await readDeliveries(mongo, database, 'late')).every((d) => d.status === 'delivered'), {
        timeoutMs: 60_000,
      });
      assert.equal(await p.stop(), 0);
    };
    await replay('plain', false);
    assert.equal(endpoint.received.length, received, 'a replay sends nothing');
    assert.equal(late.received.length, 0, 'not even to a new subscription');
    assert.equal((await readDeliveries(mongo, database, 'late')).length, 0);

    // ...but a replay with effects (--allow-effects) dispatches the history to it, once each; texts-a gets nothing again.
    await replay('effects', true);
    await late.waitFor(expected.size);
    await replay('effects-again', true);
    assert.equal(endpoint.received.length, received, 'texts-a: every delivery id known, nothing sent again');
    const lateIds = late.received.map((r) => r.headers['x-wabus-delivery-id']);
    assert.deepEqual(new Set(lateIds), new Set(events.filter(isTextOfA).map((e) => deliveryIdOf(e.eventId, 'late'))), 'late: every text of A');
    assert.equal(lateIds.length, expected.size, 'late: once each, across two replays with effects');
    t.diagnostic(`kills at committed ${killedAt.join(', ')} of ${total}; ${expected.size} deliveries: ${received} received (${again} again, same id)`);
  },
);

/** Per conversation, the endpoint received its deliveries in log order (by first arrival: a repeat comes before the next). */
function assertOrdered(received: readonly ReceivedWebhook[], order: ReadonlyMap<string, string>): void {
  const last = new Map<string, string>();
  const seen = new Set<string>();
  for (const r of received) {
    if (seen.has(r.headers['x-wabus-delivery-id']!)) continue;
    seen.add(r.headers['x-wabus-delivery-id']!);
    const body = JSON.parse(r.body) as { event: { phoneNumberId: string; customerId: string } };
    const conv = `${body.event.phoneNumberId}:${body.event.customerId}`;
    const o = order.get(r.headers['x-wabus-delivery-id']!)!;
    assert.ok((last.get(conv) ?? '') < o, `conversation ${conv}: ${o} after ${last.get(conv)}`);
    last.set(conv, o);
  }
}
