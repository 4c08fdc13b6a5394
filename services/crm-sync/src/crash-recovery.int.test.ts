import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { startCrmStandIn } from '@wabus/standins';
import { committedTotal, deliverItems, killAtRandomPoints, readTopic, spawnServiceProcess, uniqueName, waitUntil } from '@wabus/testing';
import { asJson, crmWorkload, expectedContacts } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, SECRET, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test('crm-sync: SIGKILLed at random points (mid-request, between the CRM answer and its record) and restarted, the CRM ends exact', async (t) => {
  const kafka = testKafka();
  const rng = createRng('sigkill');
  const records = deliverItems(crmWorkload({ seed: 'sigkill', items: 900, customers: 20 }), { seed: 'sigkill-order', maxPerBody: 3 });
  const total = BigInt(records.length);
  const expected = expectedContacts(records);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  // Some answers are slow: a kill then lands with a request at the CRM that is applied after its sender died.
  crm.script({ kind: 'delay', ms: 300 }, { times: Infinity, when: (r) => r.seq % 4 === 0 });
  const groupId = uniqueName('crm.group');
  const env = crmSyncEnv({
    topic,
    dlqTopic,
    database: testDatabase(t),
    crmUrl: crm.url,
    groupId,
    // The lease assumes the CRM applies a request within CRM_LEASE_MS of the lease being taken (docs/consumers/crm-sync.md,
    // Assumptions). A request sent at the end of the 2 s budget, timing out 1.5 s later, is applied here 300 ms after
    // it arrives by a timer of this test's process: 5 s (the lowest lease allowed) left 1.2 s for that timer, and a CI
    // run under load fired it later (the CRM ended with an older state). 10 s leaves 6.2 s.
    extra: { LOG_LEVEL: 'info', WABUS_MAX_BATCH: '25', CRM_CONCURRENCY: '1', WABUS_SESSION_TIMEOUT_MS: '6000', CRM_LEASE_MS: '10000' },
  });

  let inFlightAtKill = 0;
  const killedAt = await killAtRandomPoints({
    rounds: 3,
    start: () => spawnServiceProcess(t, MAIN, env),
    pick() {
      // The signal: the CRM saw this run's n-th request (its answer may or may not have reached the process).
      const target = crm.requests.length + rng.int(10, 60);
      return () => crm.waitForRequests(target);
    },
    async afterKill() {
      inFlightAtKill += crm.requests.filter((r) => r.outcome === undefined).length;
      return committedTotal(kafka, groupId, topic);
    },
  });
  assert.ok(
    killedAt.every((c) => c < total),
    `killed mid-run each time (committed at kills: ${killedAt.join(', ')} of ${total})`,
  );

  const last = spawnServiceProcess(t, MAIN, env);
  await waitUntil('the restarted crm-sync catches up', async () => (await committedTotal(kafka, groupId, topic)) === total, { timeoutMs: 180_000 }).catch(
    async (err: unknown) => {
      throw new Error(
        `${(err as Error).message}: committed ${await committedTotal(kafka, groupId, topic)} of ${total}; CRM requests ${crm.requests.length}; its log:\n${last.output().slice(-6_000)}`,
      );
    },
  );
  assert.equal(await last.stop(), 0, `graceful stop\n${last.output().slice(-2_000)}`);

  assert.deepEqual(asJson(crm.contacts), asJson(expected), 'the CRM holds exactly the fold of every event');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
  t.diagnostic(
    `kills at committed ${killedAt.join(', ')} of ${total}; requests in flight at kills: ${inFlightAtKill}; CRM requests: ${crm.requests.length}, replayed answers: ${crm.requests.filter((r) => r.outcome?.kind === 'answered' && r.outcome.replayed).length}`,
  );
});
