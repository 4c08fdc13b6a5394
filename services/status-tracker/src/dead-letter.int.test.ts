import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBody } from '@wabus/simulator';
import { DLQ_HEADERS } from '@wabus/kafka';
import { ingressRecords, readTopic } from '@wabus/testing';
import { statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, produce, readDocs, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

test('status-tracker: an undecodable record and a status without an id go to the DLQ with their bytes; the rest apply', async (t) => {
  const kafka = testKafka();
  const items = statusWorkload({ seed: 'dlq', messages: 30 });
  const good = items.flatMap((w) => ingressRecords(buildBody({ items: [w.item] }).body, 1_700_000_000_000));
  const garbage = { key: 'garbage', value: Buffer.from([0xc3, 0x01, 0xde, 0xad, 0xbe, 0xef]) };
  const sample = items[0]!.item;
  const idless = ingressRecords(buildBody({ items: [{ ...sample, payload: { ...sample.payload, id: undefined } }] }).body, 1_700_000_000_000)[0]!;
  // One partition, bad records in the middle: the consumer must move on past them, in order.
  const { topic, dlqTopic } = await createTopics(t, kafka, 1);
  await produce(kafka, topic, [...good.slice(0, 10), garbage, idless, ...good.slice(10)]);
  const tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
  await tracker.runtime.whenApplied();

  assert.deepEqual(await readDocs(tracker.db), expectedDocs(good), 'every valid status applied');
  const dlq = await readTopic(kafka, dlqTopic);
  assert.equal(dlq.length, 2);
  const [bad, invalid] = dlq as [(typeof dlq)[0], (typeof dlq)[0]];
  assert.ok(bad.value?.equals(garbage.value), 'the original bytes');
  assert.equal(bad.key, 'garbage');
  assert.match(bad.headers[DLQ_HEADERS.code]!, /^WABUS_EVENTS_/);
  assert.equal(bad.headers[DLQ_HEADERS.offset], '10');
  assert.ok(invalid.value?.equals(idless.value));
  assert.equal(invalid.headers[DLQ_HEADERS.code], 'WABUS_STATUS_TRACKER_INVALID');
  assert.match(invalid.headers[DLQ_HEADERS.message]!, /no message id/);
  assert.equal(invalid.headers[DLQ_HEADERS.offset], '11');
  assert.equal(invalid.headers[DLQ_HEADERS.topic], topic);
  assert.ok(tracker.runtime.ready());
});
