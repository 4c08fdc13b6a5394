import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBody, createGenContext, createRng, createWorld, generateItem, type GeneratedItem } from '@wabus/simulator';
import { startCrmStandIn } from '@wabus/standins';
import { ingressRecords } from '@wabus/testing';
import type { contactView } from './contact-routes.ts';
import { REPLAY_HEADER } from '@wabus/kafka';
import { asJson, contactsOfRecord, crmWorkload, expectedContacts, type EventRecord } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, SECRET, startCrmSync, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

/** `n` inbound messages of one customer to one business number, a few seconds apart, one webhook each. */
function burst(seed: string, n: number): { records: EventRecord[]; customerId: string } {
  const rng = createRng(seed);
  const world = createWorld(rng.fork('world'), { customers: 3, bsuidOnlyShare: 0 });
  let clock = Date.UTC(2025, 5, 1, 12);
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => clock });
  const who = { business: world.businesses[0]!, customer: world.customers[0]! };
  const items: GeneratedItem[] = [];
  for (let i = 0; i < n; i++) {
    clock += 3_000;
    items.push(generateItem(ctx, rng.pick(['text', 'text', 'image', 'button_reply', 'location'] as const), who));
  }
  return { records: items.flatMap((item, i) => ingressRecords(buildBody({ items: [item] }).body, clock + i)), customerId: who.customer.waId! };
}

test('crm-sync: a burst of 50 events for one contact becomes a few upserts, the last one with the latest state', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  const service = await startCrmSync(t, crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url }));
  await service.runtime.whenApplied();

  const { records, customerId } = burst('burst', 50);
  assert.equal(records.length, 50);
  await produce(kafka, topic, records);
  await service.runtime.whenApplied();

  const expected = expectedContacts(records);
  assert.deepEqual([...expected.keys()], [customerId]);
  assert.ok(crm.requests.length >= 1 && crm.requests.length <= 3, `${crm.requests.length} upserts for 50 events`);
  assert.deepEqual(asJson(crm.contacts), asJson(expected));
  const state = expected.get(customerId)!;
  assert.equal(state.conversations[0]?.inboundMessages, 50);
  assert.deepEqual(JSON.parse(crm.requests.at(-1)!.body), JSON.parse(JSON.stringify(state)), 'the last upsert carried the latest state');
});

test('crm-sync: records marked wabus-replay fold state but call nobody; the next live event syncs everything folded', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  const replayed = ingressRecords(buildBody({ items: crmWorkload({ seed: 'replay', items: 80, customers: 4 }) }).body, 1).map((r) => ({
    ...r,
    headers: { [REPLAY_HEADER]: 'operator re-drive' },
  }));
  await produce(kafka, topic, replayed);
  const service = await startCrmSync(t, crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url }));
  await service.runtime.whenApplied();

  assert.equal(crm.requests.length, 0, 'no CRM call for a replay');
  const pending = (await service.app.inject({ url: '/v1/contacts?unsynced=true&limit=1000' })).json<{ contacts: ReturnType<typeof contactView>[] }>().contacts;
  const expected = expectedContacts(replayed);
  assert.deepEqual(
    pending.map((c) => c.id),
    [...expected.keys()],
  );
  assert.ok(pending.every((c) => c.sync.status === 'pending'));

  // One live event about one of them: that contact goes out with everything folded so far, and only it.
  const live = replayed.find((r) => contactsOfRecord(replayed, r.value).includes(pending[0]!.id))!;
  await produce(kafka, topic, [{ key: live.key, value: live.value }]);
  await service.runtime.whenApplied();
  assert.equal(crm.requests.length, 1);
  assert.deepEqual(asJson(crm.contacts), asJson(new Map([[pending[0]!.id, expected.get(pending[0]!.id)]])));
});
