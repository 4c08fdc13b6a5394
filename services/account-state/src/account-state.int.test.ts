import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseSnapshot, produceRecords, uniqueName } from '@wabus/testing';
import { DISPLAY, PHONE_ID, WABA } from './account-events.test-support.ts';
import { accountWorkload } from './account-workload.test-support.ts';
import { counter, createTopics, getJson, startAccountStateForTest, testDatabase, testKafka } from './account-state.test-support.ts';

test('scrambled account events through Kafka end in the state of the latest by Meta time; duplicates and replays from offset 0 change nothing', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const work = accountWorkload('acme');
  await produceRecords(kafka, topic, work.records);
  const database = testDatabase(t);
  const first = await startAccountStateForTest(t, { topic, dlqTopic, database });
  await first.runtime.whenApplied();

  const paused = await getJson(first, `/v1/templates/${WABA}/order_update/en_US?tenant=acme`);
  assert.equal(paused.status, 200);
  assert.deepEqual(
    [(paused.body['status'] as { value: string; timestamp: number }).value, (paused.body['status'] as { timestamp: number }).timestamp],
    ['PAUSED', 4_000],
  );
  assert.deepEqual([paused.body['alert'], paused.body['events'], paused.body['tenantId']], ['PAUSED', 4, 'acme']);
  const welcome = await getJson(first, `/v1/templates/${WABA}/welcome/pt-BR`);
  assert.deepEqual([(welcome.body['status'] as { value: string }).value, welcome.body['flagged'], welcome.body['alert']], ['APPROVED', null, null]);

  // History: every event once, by event id, in Meta's time order, although a third came twice.
  const history = await getJson(first, `/v1/templates/${WABA}/order_update/en_US/history`);
  const entries = history.body['history'] as { eventId: string; timestamp: number; value: string }[];
  assert.deepEqual(
    entries.map((e) => [e.timestamp, e.value]),
    [
      [1_000, 'APPROVED'],
      [2_000, 'PAUSED'],
      [3_000, 'APPROVED'],
      [4_000, 'PAUSED'],
    ],
  );
  assert.equal(new Set(entries.map((e) => e.eventId)).size, 4);

  // The sender's question: this number's WABA's template (the number's WABA joined from the inbound message).
  const list = await getJson(first, `/v1/templates?phoneNumberId=${PHONE_ID}&name=order_update&language=en_US&tenant=acme`);
  assert.deepEqual([list.status, list.body['wabaId'], list.body['count']], [200, WABA, 1]);
  const number = await getJson(first, `/v1/phone-numbers/${PHONE_ID}`);
  assert.deepEqual([number.body['id'], number.body['phoneNumberId'], number.body['alert'], number.body['events']], [DISPLAY, PHONE_ID, 'FLAGGED', 2]);
  assert.equal((await getJson(first, `/v1/phone-numbers/+1%20555-078-3881`)).body['id'], DISPLAY);
  const waba = await getJson(first, `/v1/wabas/${WABA}`);
  assert.deepEqual([waba.body['alert'], (waba.body['ban'] as { value: string }).value], ['BAN_SCHEDULED', 'SCHEDULE_FOR_DISABLE']);

  // Tenants, unknown entities and bad parameters.
  assert.equal((await getJson(first, `/v1/wabas/${WABA}?tenant=globex`)).status, 404);
  const unknown = await getJson(first, `/v1/templates/${WABA}/nope/en_US`);
  assert.deepEqual([unknown.status, (unknown.body['error'] as { code: string }).code], [404, 'WABUS_ACCOUNT_STATE_NOT_FOUND']);
  const noScope = await getJson(first, '/v1/templates?name=order_update');
  assert.deepEqual(
    [noScope.status, noScope.body['error']],
    [400, { code: 'WABUS_ACCOUNT_STATE_BAD_PARAM', message: 'wabaId: give exactly one of wabaId and phoneNumberId', param: 'wabaId' }],
  );
  assert.equal((await getJson(first, `/v1/wabas/${WABA}?tenant=`)).status, 400);
  assert.deepEqual((await getJson(first, `/v1/templates?phoneNumberId=404&tenant=acme`)).body, { wabaId: null, count: 0, templates: [] });

  // Meta's retries were duplicates: counted, nothing added.
  assert.equal(await counter(first, 'wabus_consumer_events_deduplicated_total', { kind: 'change' }), work.retriedChangeRecords);
  assert.equal(await counter(first, 'wabus_consumer_events_deduplicated_total', { kind: 'message' }), 0, 'a message is never a duplicate here');
  assert.equal(await counter(first, 'wabus_consumer_events_dead_lettered_total'), 0);
  const stored = await databaseSnapshot(first.db);
  assert.deepEqual(Object.fromEntries(Object.entries(stored).map(([name, docs]) => [name, Object.keys(docs).length])), {
    phone_numbers: 1,
    templates: 2,
    wabas: 1,
  });

  // A replay from offset 0 into the same database (a new group): every change a duplicate, every document the same bytes.
  const replay = await startAccountStateForTest(t, { topic, dlqTopic, database, groupId: uniqueName('as.replay') });
  await replay.runtime.whenApplied();
  assert.equal(await counter(replay, 'wabus_consumer_events_deduplicated_total', { kind: 'change' }), work.changeRecords);
  assert.deepEqual(await databaseSnapshot(replay.db), stored);

  // A replay into a fresh database: the same end state, byte for byte.
  const fresh = await startAccountStateForTest(t, { topic, dlqTopic, database: testDatabase(t), groupId: uniqueName('as.fresh') });
  await fresh.runtime.whenApplied();
  assert.deepEqual(await databaseSnapshot(fresh.db), stored);
});
