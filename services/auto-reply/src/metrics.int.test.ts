import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTopic, scrapeMetrics } from '@wabus/testing';
import { inboundBody } from './inbound.test-support.ts';
import { createTopics, produce, serviceEnv, standIn, startService, testDatabase, testKafka, writeRules } from './service.test-support.ts';
import { recordsOf } from './workload.test-support.ts';

const RULES = { rules: [{ id: 'all', when: { default: true }, reply: { text: 'Thanks!' }, markAsRead: true }] };

test('auto-reply /metrics after a known workload: applied, deduplicated, dead-lettered, decisions, Graph API calls by result and code, rate-limit waits', async (t) => {
  // The clock stands still: the limiters' waits are then exact (k-th call of a number waits (k-1) × 100 ms, a second
  // send to a recipient 50 ms), and each is really slept.
  const NOW = Date.now();
  const at = Math.floor(NOW / 1000);
  const kafka = testKafka();
  const graph = await standIn(t);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  graph.script(
    { kind: 'error', code: 130429, status: 429, match: (h) => h.phoneNumberId === '3002' },
    { kind: 'error', code: 131047, match: (h) => h.phoneNumberId === '3003' },
  );
  const message = (phoneNumberId: string, customerId: string, wamid: string) =>
    inboundBody({ content: { text: 'hello' }, timestamp: at, phoneNumberId, customerId, wamid });
  const m1 = message('3001', '4915100000001', 'wamid.M1');
  const records = [
    ...recordsOf(m1, NOW), // answered, marked as read
    ...recordsOf(message('3001', '4915100000001', 'wamid.M2'), NOW + 1), // the same customer: paced
    ...recordsOf(message('3002', '4915100000002', 'wamid.M3'), NOW + 2), // refused (130429) once, then answered
    ...recordsOf(message('3003', '4915100000003', 'wamid.M4'), NOW + 3), // failed for good (131047), marked as read
    ...recordsOf(inboundBody({ status: true, timestamp: at, phoneNumberId: '3001', customerId: '4915100000001' }), NOW + 4),
    { key: 'garbage', value: Buffer.from([0xc3, 0x01, 0xde, 0xad, 0xbe, 0xef]) },
    ...recordsOf(m1, NOW + 5), // Meta retries M1: nothing sent
  ];
  await produce(kafka, topic, records);
  const env = serviceEnv({
    topic,
    dlqTopic,
    database: testDatabase(t),
    graphUrl: graph.url,
    rulesFile: await writeRules(RULES),
    env: { AUTO_REPLY_RATE_PER_SECOND: '10', AUTO_REPLY_RATE_BURST: '1', AUTO_REPLY_RECIPIENT_INTERVAL_MS: '50' },
  });
  const service = await startService(t, env, { now: () => NOW });
  await service.runtime.whenApplied();
  const m = await scrapeMetrics(service.app);

  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=message': 5, 'kind=status': 1 });
  assert.deepEqual(m.series('wabus_consumer_events_deduplicated_total'), { 'kind=message': 1 }, "M1's retry");
  assert.deepEqual(m.series('wabus_consumer_events_dead_lettered_total'), { 'code=WABUS_EVENTS_BAD_MAGIC,kind=undecodable': 1 });
  assert.equal((await readTopic(kafka, dlqTopic)).length, 1);
  assert.deepEqual(m.series('wabus_auto_reply_decisions_total'), { 'outcome=reply': 5, 'outcome=not_inbound': 1 });
  assert.equal(m.value('wabus_auto_reply_duplicates_total'), 1);
  assert.deepEqual(m.series('wabus_auto_reply_replies_total'), { 'code=,state=sent': 3, 'code=131047,state=failed': 1 });
  assert.deepEqual(m.series('wabus_auto_reply_refusals_total'), { 'code=130429': 1 });

  assert.deepEqual(m.series('wabus_auto_reply_graph_calls_total'), {
    'call=send,code=,result=accepted': 3,
    'call=send,code=130429,result=refused': 1,
    'call=send,code=131047,result=failed': 1,
    'call=mark_read,code=,result=accepted': 4,
  });
  assert.equal(graph.requests.length, 9, 'the stand-in saw as many calls');

  const waits = 'wabus_auto_reply_rate_limit_wait_seconds';
  // 3001: M1 reply, M1 read (100), M2 reply (200), M2 read (300); 3002: refused, reply (100), read (200); 3003: reply, read (100).
  assert.equal(m.value(`${waits}_count`, { reason: 'throughput' }), 6);
  assert.ok(Math.abs(m.value(`${waits}_sum`, { reason: 'throughput' }) - 1.0) < 1e-9, 'waited 1 s in all');
  assert.equal(m.value(`${waits}_bucket`, { reason: 'throughput', le: '0.1' }), 3);
  // M2 after M1 to the same customer, and M3's retry after its refused attempt.
  assert.equal(m.value(`${waits}_count`, { reason: 'recipient' }), 2);
  assert.ok(Math.abs(m.value(`${waits}_sum`, { reason: 'recipient' }) - 0.1) < 1e-9);
  // One backoff after the refusal: 20 ms × (0.5 … 1.5).
  assert.equal(m.value(`${waits}_count`, { reason: 'backoff' }), 1);
  assert.equal(m.value(`${waits}_bucket`, { reason: 'backoff', le: '0.005' }), 0);
  assert.equal(m.value(`${waits}_bucket`, { reason: 'backoff', le: '0.05' }), 1);
});
