import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { foldDocuments } from '@wabus/projection';
import { startCrmStandIn } from '@wabus/standins';
import { testEnv, uniqueName } from '@wabus/testing';
import { emptyContact, type ContactState } from './contact-state.ts';
import { openCrmSyncStore } from './contact-store.ts';
import { createCrmHttp } from './crm-http.ts';
import { CrmSyncError } from './errors.ts';
import { evolveContact } from './evolve-contact.ts';
import { createRestCrmAdapter } from './rest-crm-adapter.ts';
import { syncContacts, type SyncDeps } from './sync-contacts.ts';

async function setup(t: TestContext, timeoutMs = 200) {
  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  const db = client.db(uniqueName('crm-lease'));
  t.after(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });
  const store = await openCrmSyncStore(db);
  const crm = await startCrmStandIn();
  t.after(() => crm.close());
  const http = createCrmHttp({ baseUrl: crm.url, timeoutMs, backoff: { baseMs: 20, maxMs: 50 } });
  const adapter = createRestCrmAdapter({ http, batch: false, batchSize: 1, concurrency: 1, retryBudgetMs: 300 });
  // The lease clock is injected: "later" is a shift of it, not a sleep.
  let shift = 0;
  const deps: SyncDeps = {
    store,
    adapterOf: () => adapter,
    now: () => Date.now() + shift,
    newOwner: randomUUID,
    leaseMs: 5_000,
    leaseWaitMs: 100,
    retryBudgetMs: 300,
  };
  const fold = (fact: ContactState) => foldDocuments(store.contacts, new Map([[fact.id, [fact]]]), evolveContact);
  return { store, crm, deps, fold, later: (ms: number) => void (shift += ms) };
}

const seen = (at: number): ContactState => ({ ...emptyContact('5511'), waId: '5511', lastSeenAt: at });

test('lease: an upsert whose outcome is unknown keeps the contact leased until expiry, so no newer state can overtake it', async (t) => {
  const { crm, deps, fold, later, store } = await setup(t);
  await fold(seen(1));
  crm.script({ kind: 'hang' }, { times: 100 });
  await assert.rejects(syncContacts(deps, ['5511']), (e: unknown) => e instanceof CrmSyncError && e.code === 'WABUS_CRM_UNAVAILABLE' && e.inDoubt);
  // One request or two (a retry within the 300 ms budget, unless a loaded machine's timers spend it on the first).
  const sent = crm.requests.length;
  assert.ok(sent >= 1);
  crm.clearScripts();

  await fold(seen(2));
  await assert.rejects(syncContacts(deps, ['5511']), (e: unknown) => e instanceof CrmSyncError && e.code === 'WABUS_CRM_CONTACT_BUSY');
  assert.equal(crm.requests.length, sent, 'nothing sent while the first request may still land');

  later(5_001);
  assert.deepEqual((await syncContacts(deps, ['5511'])).applied, 1);
  assert.equal((crm.contacts.get('5511') as ContactState).lastSeenAt, 2);
  const doc = await store.contacts.findOne({ _id: '5511' });
  assert.deepEqual([doc?.unsynced, doc?.synced?.hash], [false, doc?.stateHash]);
  assert.equal(await store.leases.countDocuments(), 0, 'released after a settled call');
});

test('lease: a call that succeeded after a cut attempt still keeps the lease to expiry (the cut one may land late)', async (t) => {
  const { crm, deps, fold, later, store } = await setup(t);
  await fold(seen(1));
  crm.script({ kind: 'drop' });
  assert.equal((await syncContacts(deps, ['5511'])).applied, 1);
  await fold(seen(2));
  await assert.rejects(syncContacts(deps, ['5511']), (e: unknown) => e instanceof CrmSyncError && e.code === 'WABUS_CRM_CONTACT_BUSY');
  later(5_001);
  assert.equal((await syncContacts(deps, ['5511'])).applied, 1);
  assert.equal((crm.contacts.get('5511') as ContactState).lastSeenAt, 2);
  assert.equal(await store.leases.countDocuments(), 0);
});

test('lease: two writers of one contact take turns, and the later one sends the newest state', async (t) => {
  // A delayed answer, not a lost one: the timeout is far above the delay, so a busy machine cannot turn the
  // first call into a retry (a third request).
  const { crm, deps, fold } = await setup(t, 5_000);
  await fold(seen(1));
  crm.script({ kind: 'delay', ms: 150 });
  const first = syncContacts(deps, ['5511']);
  await crm.waitForRequests(1);
  await fold(seen(2));
  const second = syncContacts({ ...deps, leaseWaitMs: 5_000 }, ['5511']);
  await Promise.all([first, second]);
  const [a, b] = crm.requests;
  assert.equal(crm.requests.length, 2);
  assert.ok(b!.receivedAt >= a!.outcome!.at, 'the second request left after the first was answered');
  assert.equal((JSON.parse(b!.body) as ContactState).lastSeenAt, 2);
  assert.equal((crm.contacts.get('5511') as ContactState).lastSeenAt, 2);
});

test('sync: a contact the CRM already holds costs no lease and no call', async (t) => {
  const { crm, deps, fold, store } = await setup(t);
  await fold(seen(1));
  await syncContacts(deps, ['5511']);
  await fold(seen(1));
  assert.deepEqual(await syncContacts(deps, ['5511', 'unknown']), { applied: 0, rejected: new Map() });
  assert.equal(crm.requests.length, 1);
  assert.equal(await store.leases.countDocuments(), 0);
});
