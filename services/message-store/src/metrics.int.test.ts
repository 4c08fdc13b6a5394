import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { readTopic, scrapeMetrics, uniqueName } from '@wabus/testing';
import { CUSTOMER, PHONE, WABA, echo, inbound, reaction, text } from './message-events.test-support.ts';
import { createTopics, startService } from './service.test-support.ts';

/** A `statuses[]` item about one of our outbound messages: not message-store's, applied as a no-op. */
function statusEvent(): WhatsAppEvent {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: PHONE },
    statuses: [{ id: 'wamid.OUT1', status: 'delivered', timestamp: '1700000050', recipient_id: CUSTOMER }],
  };
  const result = explodeWebhook(
    Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ value, field: 'messages' }] }] })),
    { receivedAt: 1_700_000_100_000 },
  );
  assert.ok(result.ok && result.events.length === 1);
  return result.events[0]!;
}

test('message-store /metrics after a known workload: applied and deduplicated by kind, dead-lettered by code and kind; a replay is all duplicates', async (t) => {
  const retried = { receivedAt: 1_700_000_900_000 }; // Meta delivers the same items again, later
  const events = [
    inbound(text('wamid.M1', 1_700_000_000)),
    inbound(text('wamid.M2', 1_700_000_001)),
    echo(text('wamid.E1', 1_700_000_002)),
    inbound(reaction('wamid.R1', 1_700_000_003, 'wamid.M1', '👍')),
    statusEvent(),
    inbound({ from: undefined, ...text('wamid.NO-CUSTOMER', 1_700_000_004) }, { contact: null }), // never storable
    inbound(text('wamid.M1', 1_700_000_000), retried),
    inbound(reaction('wamid.R1', 1_700_000_003, 'wamid.M1', '👍'), retried),
    echo(text('wamid.E1', 1_700_000_002), retried),
  ];
  const topics = await createTopics(t);
  await topics.produce([...events.slice(0, 5), { key: 'junk', value: Buffer.from([0x00, 0xff, 0x13, 0x37]) }, ...events.slice(5)]);
  const database = uniqueName('ms_db').replaceAll('-', '_');
  const service = await startService(t, topics, { database, keepDatabase: true });
  await service.runtime.whenApplied();

  const m = await scrapeMetrics(service.app);
  assert.deepEqual(m.series('wabus_consumer_events_applied_total'), { 'kind=message': 5, 'kind=message_echo': 2, 'kind=status': 1 });
  assert.deepEqual(m.series('wabus_consumer_events_deduplicated_total'), { 'kind=message': 2, 'kind=message_echo': 1 }, 'the three Meta retries');
  assert.deepEqual(m.series('wabus_consumer_events_dead_lettered_total'), {
    'code=WABUS_EVENTS_BAD_MAGIC,kind=undecodable': 1,
    'code=WABUS_MESSAGE_STORE_INVALID,kind=message': 1,
  });
  assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 2);
  assert.equal(m.value('wabus_consumer_ready'), 1);
  assert.equal(m.value('wabus_consumer_lag'), 0);

  // A replay from offset 0 (a new group) into the same database: everything applied again, all of it duplicates.
  const replay = await startService(t, topics, { database });
  await replay.runtime.whenApplied();
  const r = await scrapeMetrics(replay.app);
  assert.deepEqual(r.series('wabus_consumer_events_applied_total'), { 'kind=message': 5, 'kind=message_echo': 2, 'kind=status': 1 });
  assert.deepEqual(r.series('wabus_consumer_events_deduplicated_total'), { 'kind=message': 5, 'kind=message_echo': 2 });
  assert.deepEqual(r.series('wabus_consumer_events_dead_lettered_total'), {
    'code=WABUS_EVENTS_BAD_MAGIC,kind=undecodable': 1,
    'code=WABUS_MESSAGE_STORE_INVALID,kind=message': 1,
  });
});
