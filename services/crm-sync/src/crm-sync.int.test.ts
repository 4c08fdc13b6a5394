import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCrmStandIn, type CrmRequest } from '@wabus/standins';
import { deliverItems, readTopic } from '@wabus/testing';
import type { contactView } from './contact-routes.ts';
import { asJson, crmWorkload, expectedContacts } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, SECRET, startCrmSync, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

const statusOf = (r: CrmRequest) => (r.outcome?.kind === 'answered' ? r.outcome.status : r.outcome?.kind);
/** The contacts a request carried (PUT: the path; batch: its items), each with the key of the state sent. */
const itemsOf = (r: CrmRequest): [string, string][] =>
  r.path === '/contacts/batch'
    ? (JSON.parse(r.body) as { idempotencyKey: string; contact: { id: string } }[]).map((i) => [i.contact.id, i.idempotencyKey])
    : [[decodeURIComponent(r.path.slice('/contacts/'.length)), r.headers['idempotency-key'] ?? '']];

test('crm-sync: after duplicates, interleaving, a 5xx burst, a 429 and a dropped connection the CRM holds exactly the fold of the workload', async (t) => {
  const kafka = testKafka();
  const records = deliverItems(crmWorkload({ seed: 'main', items: 400 }), { seed: 'main-order', maxPerBody: 3 });
  const expected = expectedContacts(records);
  // One partition and one request at a time: the order of requests is the order of attempts, so times can be read.
  const { topic, dlqTopic } = await createTopics(t, kafka, 1);
  await produce(kafka, topic, records);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  crm.script({ kind: 'status', status: 503, body: { error: 'maintenance' } }, { times: 3 });
  crm.script({ kind: 'status', status: 429, retryAfter: 1 });
  crm.script({ kind: 'drop' });
  crm.script({ kind: 'status', status: 502 }, { times: 2, when: (r) => r.seq >= 20 });

  const service = await startCrmSync(
    t,
    crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url, extra: { CRM_CONCURRENCY: '1', WABUS_MAX_BATCH: '50' } }),
  );
  await service.runtime.whenApplied();

  assert.deepEqual(asJson(crm.contacts), asJson(expected), 'the CRM holds exactly the desired state of every contact');
  assert.deepEqual(crm.requests.slice(0, 6).map(statusOf), [503, 503, 503, 429, 'dropped', 200]);
  assert.equal(crm.requests.filter((r) => statusOf(r) === 502).length, 2);
  assert.ok(
    crm.requests.every((r) => statusOf(r) !== 401),
    'every request signed and authenticated',
  );
  const [limited, next] = [crm.requests[3]!, crm.requests[4]!];
  assert.ok(next.receivedAt - limited.receivedAt >= 1_000, `Retry-After: 1 honoured (next request after ${next.receivedAt - limited.receivedAt} ms)`);
  assert.equal(crm.requests[5]!.body, crm.requests[0]!.body, 'the same state was retried, not a newer one');
  assert.ok(crm.applied.length < records.length / 2, `coalesced: ${crm.applied.length} upserts for ${records.length} events`);

  const unsynced = await service.app.inject({ url: '/v1/contacts?unsynced=true' });
  assert.deepEqual(unsynced.json(), { contacts: [], next: null });
  const [someId, someState] = [...expected][0]!;
  const one = (await service.app.inject({ url: `/v1/contacts/${someId}` })).json<ReturnType<typeof contactView>>();
  assert.equal(one.sync.status, 'synced');
  assert.deepEqual(one.state, JSON.parse(JSON.stringify(someState)));
  assert.equal((await service.app.inject({ url: '/v1/contacts/nobody' })).statusCode, 404);

  // Everything again (a producer retry of the whole log): nothing changes, nothing is sent.
  const before = crm.requests.length;
  await produce(kafka, topic, records);
  await service.runtime.whenApplied();
  assert.equal(crm.requests.length, before, 'no CRM call for events already reflected');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});

test('crm-sync: batch mode over three partitions, one contact written from several: one writer at a time per contact, exact end state', async (t) => {
  const kafka = testKafka();
  const records = deliverItems(crmWorkload({ seed: 'batch', items: 600, customers: 8 }), { seed: 'batch-order', maxPerBody: 4 });
  const expected = expectedContacts(records);
  const { topic, dlqTopic } = await createTopics(t, kafka, 3);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  // Slow answers now and then, so that partitions touching the same contact overlap in time.
  crm.script({ kind: 'delay', ms: 150 }, { times: Infinity, when: (r) => r.seq % 3 === 0 });
  crm.script({ kind: 'status', status: 500 }, { times: 2, when: (r) => r.seq % 5 === 1 });
  const service = await startCrmSync(
    t,
    crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url, extra: { CRM_BATCH: 'true', WABUS_MAX_BATCH: '40' } }),
  );
  // Produced while running: many small batches per partition, interleaved.
  for (let i = 0; i < records.length; i += 60) await produce(kafka, topic, records.slice(i, i + 60));
  await service.runtime.whenApplied();

  assert.deepEqual(asJson(crm.contacts), asJson(expected));
  // Upserts go in batches; a contact merged into another (two ids of one person first seen in separate batches,
  // which the timing of the partitions decides) is deleted one by one.
  const notBatched = crm.requests.filter((r) => r.path !== '/contacts/batch' && !(r.method === 'DELETE' && /^\/contacts\/[^/]+$/.test(r.path)));
  assert.deepEqual(
    notBatched.map((r) => `${r.method} ${r.path}`),
    [],
  );
  assert.ok(crm.requests.length < records.length / 4, `${crm.requests.length} requests for ${records.length} events`);
  // The lease at work: two requests carrying DIFFERENT states of one contact were never at the CRM at the same time
  // (the same state twice may be: a retry after a timeout, while the first attempt is still being processed).
  const spans = new Map<string, { from: number; to: number; key: string }[]>();
  for (const r of crm.requests)
    for (const [id, key] of itemsOf(r)) spans.set(id, [...(spans.get(id) ?? []), { from: r.receivedAt, to: r.outcome?.at ?? Infinity, key }]);
  for (const [id, list] of spans) {
    for (const a of list)
      for (const b of list) assert.ok(a.key === b.key || a.to <= b.from || b.to <= a.from, `contact ${id}: two different states in flight at once`);
  }
  assert.ok([...spans.values()].some((l) => l.length > 1));
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});
