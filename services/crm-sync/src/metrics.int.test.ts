import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCrmStandIn } from '@wabus/standins';
import { buildBody, createGenContext, createRng, createWorld, generateItem } from '@wabus/simulator';
import { ingressRecords, readTopic, scrapeMetrics } from '@wabus/testing';
import { contactsOfRecord } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, SECRET, startCrmSync, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

test('crm-sync /metrics after a known workload: applied, deduplicated, dead-lettered by kind and code, CRM requests by result and code, rate-limit waits', async (t) => {
  // Four customers write once each; the CRM answers A 429 (Retry-After: 1) once, B 503 once, refuses D for good (422);
  // Meta retries A's message; undecodable bytes. One partition and one request at a time: no request can be held
  // back by another's Retry-After, so every count is known.
  const rng = createRng('crm-metrics');
  const world = createWorld(rng.fork('world'), { customers: 4 });
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => Date.UTC(2025, 5, 1, 12) });
  const bodies = world.customers
    .slice(0, 4)
    .map((customer) => buildBody({ items: [generateItem(ctx, 'text', { business: world.businesses[0]!, customer })] }).body);
  const messages = bodies.map((body, i) => ingressRecords(body, Date.UTC(2025, 5, 1, 12) + i)[0]!);
  const [a, b, , d] = messages.map((r) => contactsOfRecord(messages, r.value)[0]!);
  const records = [
    ...messages,
    { key: 'garbage', value: Buffer.from([0xc3, 0x01, 0xde, 0xad, 0xbe, 0xef]) },
    ingressRecords(bodies[0]!, Date.UTC(2025, 5, 1, 13))[0]!,
  ];

  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka, 1);
  await produce(kafka, topic, records);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  crm.script({ kind: 'status', status: 429, retryAfter: 1, body: { error: 'slow down' } }, { when: (r) => r.path === `/contacts/${a}` });
  crm.script({ kind: 'status', status: 503 }, { when: (r) => r.path === `/contacts/${b}` });
  crm.reject((id) => id === d, { status: 422, body: { error: 'invalid_phone' } });
  const env = crmSyncEnv({
    topic,
    dlqTopic,
    database: testDatabase(t),
    crmUrl: crm.url,
    extra: { CRM_CONCURRENCY: '1', CRM_RETRY_BUDGET_MS: '10000', CRM_LEASE_MS: '15000' },
  });
  const service = await startCrmSync(t, env);
  await service.runtime.whenApplied();
  const m = await scrapeMetrics(service.app);

  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=message': 4 }, "A, B, C and A's retry");
  assert.deepEqual(m.series('wabus_consumer_events_deduplicated_total'), { 'kind=message': 1 }, "A's retry");
  assert.deepEqual(m.series('wabus_consumer_events_dead_lettered_total'), {
    'code=WABUS_CRM_REJECTED,kind=message': 1,
    'code=WABUS_EVENTS_BAD_MAGIC,kind=undecodable': 1,
  });
  assert.equal((await readTopic(kafka, dlqTopic)).length, 2);

  assert.deepEqual(m.series('wabus_crm_sync_requests_total'), {
    'code=200,kind=upsert,result=ok': 3,
    'code=429,kind=upsert,result=retryable': 1,
    'code=503,kind=upsert,result=retryable': 1,
    'code=422,kind=upsert,result=rejected': 1,
  });
  assert.equal(crm.requests.length, 6, 'the stand-in saw as many');
  const waits = 'wabus_crm_sync_rate_limit_wait_seconds';
  assert.equal(m.value(`${waits}_count`, { reason: 'retry_after' }), 1);
  assert.equal(m.value(`${waits}_sum`, { reason: 'retry_after' }), 1, 'Retry-After: 1');
  assert.equal(m.value(`${waits}_count`, { reason: 'backoff' }), 1, "after B's 503");
  assert.equal(m.value(`${waits}_bucket`, { reason: 'backoff', le: '0.05' }), 1, '50 ms × (0.5 … 1)');
});

test('crm-sync duplicates are exact and by kind: a new message that only raises its conversation count is applied; Meta retries are duplicates; a replay is all duplicates', async (t) => {
  const body = (value: Record<string, unknown>) =>
    Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'waba',
            changes: [
              {
                field: 'messages',
                value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: '1065' }, ...value },
              },
            ],
          },
        ],
      }),
    );
  const inbound = (id: string) =>
    body({ contacts: [{ profile: { name: 'Zoë' }, wa_id: '5511' }], messages: [{ from: '5511', id, timestamp: '1000', type: 'text', text: { body: id } }] });
  const sent = body({ statuses: [{ id: 'wamid.OUT', status: 'sent', timestamp: '1001', recipient_id: '4477' }] });
  // X2, then X1: new, same second, a lesser id, so the conversation count (1 → 2) is all it changes; the status to
  // 4477 and X2 again as Meta retries them.
  const records = [inbound('wamid.X2'), inbound('wamid.X1'), sent, sent, inbound('wamid.X2')].map((b, i) => ingressRecords(b, 1_748_779_200_000 + i)[0]!);
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka, 1);
  await produce(kafka, topic, records);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  const database = testDatabase(t);
  const first = await startCrmSync(t, crmSyncEnv({ topic, dlqTopic, database, crmUrl: crm.url }));
  await first.runtime.whenApplied();
  const m = await scrapeMetrics(first.app);
  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=message': 3, 'kind=status': 2 });
  assert.deepEqual(
    m.series('wabus_consumer_events_deduplicated_total'),
    { 'kind=message': 1, 'kind=status': 1 },
    "X2's and the status's retries; X1 raised the count",
  );
  assert.deepEqual((crm.contacts.get('5511') as { conversations: unknown[] }).conversations, [
    { phoneNumberId: '1065', lastInboundAt: 1000, lastOutboundAt: null, inboundMessages: 2, outboundMessages: 0 },
  ]);

  // The same records from the start (a new group) into the same database: every one changes nothing.
  const replay = await startCrmSync(t, crmSyncEnv({ topic, dlqTopic, database, crmUrl: crm.url }));
  await replay.runtime.whenApplied();
  const r = await scrapeMetrics(replay.app);
  assert.deepEqual(r.series('wabus_consumer_events_deduplicated_total'), { 'kind=message': 3, 'kind=status': 2 });
});
