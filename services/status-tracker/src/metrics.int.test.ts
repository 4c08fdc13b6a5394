import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBody, createGenContext, createRng, createWorld, generateItem, type GeneratedItem, type KindName } from '@wabus/simulator';
import { ingressRecords, readTopic, scrapeMetrics } from '@wabus/testing';
import type { EventRecord } from './status-workload.test-support.ts';
import { createTopics, produce, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

/**
 * A workload whose metrics are known by hand: five outbound messages (Meta's timestamps, seconds), each status in a
 * body of its own, in this order on the topic, then two Meta retries, an inbound message, undecodable bytes and a
 * status without a message id.
 *
 *   m1  sent 1000, delivered 1002, read 1060      sent→delivered 2, sent→read 60
 *   m2  delivered 2005 BEFORE sent 2000           sent→delivered 5 (learned when sent arrives)
 *   m3  sent 3000, read 3300 (no delivered)       sent→read 300
 *   m4  sent 4000, failed 4001                    nothing
 *   m5  delivered 5003 only (never seen sent)     nothing
 */
function knownWorkload(): EventRecord[] {
  const rng = createRng('status-metrics');
  const world = createWorld(rng.fork('world'), { customers: 5 });
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => 1_000_000 });
  const messages = [1, 2, 3, 4, 5].map((i) => generateItem(ctx, 'status_sent', { business: world.businesses[0]!, customer: world.customers[i - 1]! }));
  const status = (m: number, s: 'sent' | 'delivered' | 'read' | 'failed', at: number): GeneratedItem => {
    const sent = messages[m - 1]!;
    const variant = s === 'sent' ? sent : generateItem(ctx, `status_${s}` as KindName, { business: world.businesses[0]!, customer: world.customers[m - 1]! });
    return { ...sent, payload: { ...variant.payload, id: sent.id, recipient_id: sent.payload['recipient_id'], status: s, timestamp: String(at) }, itemType: s };
  };
  const m1Delivered = status(1, 'delivered', 1002);
  const m2Sent = status(2, 'sent', 2000);
  const bodies = [
    status(1, 'sent', 1000),
    m1Delivered,
    status(2, 'delivered', 2005),
    status(1, 'read', 1060),
    m2Sent,
    status(3, 'sent', 3000),
    status(3, 'read', 3300),
    status(4, 'sent', 4000),
    status(4, 'failed', 4001),
    status(5, 'delivered', 5003),
    m1Delivered, // Meta retries: the same items again, in new bodies
    m2Sent,
    generateItem(ctx, 'text', { business: world.businesses[0]!, customer: world.customers[0]! }),
  ].map((item, i) => ingressRecords(buildBody({ items: [item] }).body, 1_700_000_000_000 + i)[0]!);
  const idless = status(3, 'delivered', 3001);
  const garbage = { key: 'garbage', value: Buffer.from([0xc3, 0x01, 0xde, 0xad, 0xbe, 0xef]) };
  return [...bodies, garbage, ingressRecords(buildBody({ items: [{ ...idless, payload: { ...idless.payload, id: undefined } }] }).body, 1_700_000_000_100)[0]!];
}

test('status-tracker /metrics after a known workload: applied, deduplicated and dead-lettered by kind and code; each delivery time observed once, never again on redelivery or replay', async (t) => {
  const kafka = testKafka();
  const records = knownWorkload();
  assert.equal(records.length, 15);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const database = testDatabase(t);
  const tracker = await startTracker(t, { topic, dlqTopic, database });
  await tracker.runtime.whenApplied();

  let m = await scrapeMetrics(tracker.app);
  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=status': 12, 'kind=message': 1 });
  assert.deepEqual(m.series('wabus_consumer_events_deduplicated_total'), { 'kind=status': 2 }, 'the two Meta retries');
  assert.deepEqual(m.series('wabus_consumer_events_dead_lettered_total'), {
    'code=WABUS_EVENTS_BAD_MAGIC,kind=undecodable': 1,
    'code=WABUS_STATUS_TRACKER_INVALID,kind=status': 1,
  });
  assert.equal((await readTopic(kafka, dlqTopic)).length, 2);
  const delivered = 'wabus_status_tracker_sent_to_delivered_seconds';
  const read = 'wabus_status_tracker_sent_to_read_seconds';
  const histograms = (s: typeof m) => ({
    delivered: {
      count: s.value(`${delivered}_count`),
      sum: s.value(`${delivered}_sum`),
      le2: s.value(`${delivered}_bucket`, { le: '2' }),
      le5: s.value(`${delivered}_bucket`, { le: '5' }),
    },
    read: {
      count: s.value(`${read}_count`),
      sum: s.value(`${read}_sum`),
      le60: s.value(`${read}_bucket`, { le: '60' }),
      le300: s.value(`${read}_bucket`, { le: '300' }),
    },
  });
  const known = { delivered: { count: 2, sum: 7, le2: 1, le5: 2 }, read: { count: 2, sum: 360, le60: 1, le300: 2 } };
  assert.deepEqual(histograms(m), known, 'm1 and m2 delivered after 2 and 5 s, m1 and m3 read after 60 and 300 s');

  // The whole topic again (a producer retry of everything): every status changes nothing, nothing is observed again.
  await produce(kafka, topic, records);
  await tracker.runtime.whenApplied();
  m = await scrapeMetrics(tracker.app);
  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=status': 24, 'kind=message': 2 });
  assert.deepEqual(m.series('wabus_consumer_events_deduplicated_total'), { 'kind=status': 2 + 12 });
  assert.deepEqual(m.series('wabus_consumer_events_dead_lettered_total'), {
    'code=WABUS_EVENTS_BAD_MAGIC,kind=undecodable': 2,
    'code=WABUS_STATUS_TRACKER_INVALID,kind=status': 2,
  });
  assert.deepEqual(histograms(m), known, 'redelivered statuses observe nothing');
  await tracker.stop();

  // A replay from offset 0 (a new group) into the same database: all duplicates, no delivery time observed.
  const replay = await startTracker(t, { topic, dlqTopic, database });
  await replay.runtime.whenApplied();
  m = await scrapeMetrics(replay.app);
  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=status': 24, 'kind=message': 2 });
  assert.deepEqual(m.series('wabus_consumer_events_deduplicated_total'), { 'kind=status': 24 });
  assert.deepEqual(histograms(m), { delivered: { count: 0, sum: 0, le2: 0, le5: 0 }, read: { count: 0, sum: 0, le60: 0, le300: 0 } });
});
