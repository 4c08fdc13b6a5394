import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { startCrmStandIn } from '@wabus/standins';
import { churnReplicas, deliverItems, describeChurn, readTopic, testMongoClient, uniqueName } from '@wabus/testing';
import type { ContactDocument, ContactState } from './contact-state.ts';
import { CONTACTS_COLLECTION } from './contact-store.ts';
import { asJson, crmWorkload, expectedContacts } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, SECRET, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';
import { joinContacts } from './join-contact.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test(
  'crm-sync: 3 replicas of one group under churn (SIGKILLs mid-request, restarts, scale up and down, a freeze): the CRM ends exact, and no contact ever went back to an older state',
  { timeout: 240_000 },
  async (t) => {
    const kafka = testKafka();
    // Few customers, four business numbers: every contact is written from several partitions, so by several instances.
    const records = deliverItems(crmWorkload({ seed: 'replicas', items: 1_500, customers: 40 }), { seed: 'replicas-order', maxPerBody: 3 });
    const expected = expectedContacts(records);
    const { topic, dlqTopic } = await createTopics(t, kafka, 6);
    const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
    t.after(() => crm.close());
    // Some answers are slow: a kill then lands with a request at the CRM that is applied after its sender died.
    crm.script({ kind: 'delay', ms: 200 }, { times: Infinity, when: (r) => r.seq % 5 === 0 });
    const groupId = uniqueName('crm.replicas');
    const database = testDatabase(t);
    const env = crmSyncEnv({
      topic,
      dlqTopic,
      database,
      crmUrl: crm.url,
      groupId,
      extra: { LOG_LEVEL: 'info', WABUS_MAX_BATCH: '10', WABUS_SESSION_TIMEOUT_MS: '6000' },
    });

    const churn = await churnReplicas(t, {
      kafka,
      groupId,
      topic,
      records,
      entry: MAIN,
      env,
      runningMessage: 'crm-sync running',
      replicas: 3,
      actions: ['kill', 'restart', 'add', 'remove', 'freeze', 'add'],
      rng: createRng('crm-replicas'),
    });
    t.diagnostic(`${records.length} records, ${expected.size} contacts; ${describeChurn(churn)}`);

    assert.deepEqual(asJson(crm.contacts), asJson(expected), 'the CRM holds exactly the fold of every event');
    const docs = await (await testMongoClient(t)).db(database).collection<ContactDocument>(CONTACTS_COLLECTION).find().sort({ _id: 1 }).toArray();
    const live = docs.filter((d) => d.mergedInto === undefined);
    assert.deepEqual(asJson(new Map(live.map((d) => [d._id, d.state]))), asJson(expected), 'the desired states too');
    // Contacts filed under an older id of a person before a body linked its ids: merged, and deleted from the CRM.
    const merged = docs.filter((d) => d.mergedInto !== undefined);
    t.diagnostic(`${merged.length} contacts merged into another`);
    for (const d of merged) {
      assert.ok(expected.has(d.mergedInto!), `${d._id} merged into ${d.mergedInto}, a contact of the oracle`);
      assert.equal(d.removedFromCrm, true, `${d._id}: removed from the CRM`);
    }
    assert.deepEqual(
      docs.filter((d) => d.unsynced),
      [],
      'every contact synced',
    );
    // Upserts of a contact reach the CRM one after another, each at least as new as the one before (states only grow).
    const last = new Map<string, ContactState>();
    for (const a of crm.applied) {
      const state = JSON.parse(crm.requests[a.seq]!.body) as ContactState;
      const before = last.get(a.id);
      if (before) assert.deepEqual(joinContacts(before, state), state, `contact ${a.id}: upsert ${a.seq} is older than the one applied before it`);
      last.set(a.id, state);
    }
    assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
    t.diagnostic(
      `CRM requests: ${crm.requests.length}, applied: ${crm.applied.length}, answered from memory: ${crm.requests.filter((r) => r.outcome?.kind === 'answered' && r.outcome.replayed).length}`,
    );
  },
);
