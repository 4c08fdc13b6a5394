import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { createGenContext, createRng, createWorld, generateItem } from '@wabus/simulator';
import {
  createEventTopics,
  deliverItems,
  freePort,
  produceRecords,
  readScrape,
  spawnServiceProcess,
  testDatabase,
  testEnv,
  uniqueName,
  waitUntil,
} from '@wabus/testing';

// The smallest service there is (docs/services.md), run as a process the way it is deployed: its own files only.
test("latest-message: events in, each conversation's latest message out, duplicates counted exactly, a clean stop", { timeout: 120_000 }, async (t) => {
  const { kafkaBrokers, mongoUri } = testEnv();
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'latest-message-test' });
  const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'latest' });

  // Inbound texts of 12 customers, Meta's clock moving 0-20 s between them (ties happen), delivered shuffled, batched
  // and partly again (Meta's retries).
  const rng = createRng('latest-message');
  let clock = Date.UTC(2026, 11, 5, 12);
  const ctx = createGenContext({ rng: rng.fork('gen'), world: createWorld(rng.fork('world'), { customers: 12 }), now: () => clock });
  const items = Array.from({ length: 150 }, () => ((clock += rng.int(0, 20) * 1000), generateItem(ctx, 'text')));
  const records = deliverItems(items, { seed: 'latest-message', maxPerBody: 3, retryShare: 0.3 });
  await produceRecords(kafka, topic, records);

  // The oracle, from the records as produced (one key, one partition, this order): per conversation the message
  // with the greatest (time, id); a record is a duplicate when an earlier one of its conversation was as late or later.
  const latest = new Map<string, { wamid: string; sentAt: number }>();
  let duplicates = 0;
  for (const r of records) {
    const e = decodeEvent(r.value);
    const id = `${e.phoneNumberId}:${e.customerId}`;
    const m = { wamid: e.itemId!, sentAt: e.metaTimestamp! };
    const had = latest.get(id);
    if (had !== undefined && (had.sentAt > m.sentAt || (had.sentAt === m.sentAt && had.wamid >= m.wamid))) duplicates++;
    else latest.set(id, m);
  }
  assert.ok(duplicates > 20 && latest.size >= 10, `a workload with duplicates (${duplicates}) over several conversations (${latest.size})`);

  const port = await freePort();
  const run = spawnServiceProcess(t, new URL('./src/main.ts', import.meta.url), {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGODB_URI: mongoUri,
    WABUS_EVENTS_TOPIC: topic,
    WABUS_DLQ_TOPIC: dlqTopic,
    WABUS_REDRIVE_TOPIC: '-',
    WABUS_GROUP_ID: uniqueName('latest.group'),
    WABUS_DATABASE: testDatabase(t, { prefix: 'latest' }),
    LATEST_MESSAGE_PORT: String(port),
    HOST: '127.0.0.1',
    OTEL_TRACES_EXPORTER: 'none',
  });
  const base = `http://127.0.0.1:${port}`;
  const scrape = async () => readScrape(await (await fetch(`${base}/metrics`)).text());
  const applied = () =>
    scrape().then(
      (s) => s.value('wabus_consumer_events_applied_total'),
      () => 0,
    );
  await waitUntil(
    () => `every record applied: ${run.output().slice(-2000)}`,
    async () => (await applied()) === records.length,
    { timeoutMs: 60_000 },
  );

  for (const [id, m] of latest) {
    const [phoneNumberId, customerId] = id.split(':');
    const doc = (await (await fetch(`${base}/v1/latest/${phoneNumberId}/${customerId}`)).json()) as { wamid: string; sentAt: number };
    assert.deepEqual({ wamid: doc.wamid, sentAt: doc.sentAt }, m, id);
  }
  assert.equal((await scrape()).value('wabus_consumer_events_deduplicated_total'), duplicates, 'every duplicate counted, exactly');
  const unknown = await fetch(`${base}/v1/latest/1/nobody`);
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { error: { code: 'WABUS_LATEST_MESSAGE_NOT_FOUND', message: 'no message is known for this conversation' } });

  assert.equal(await run.stop(), 0, 'SIGTERM: the batch finished, committed, the group left, exit 0');
});
