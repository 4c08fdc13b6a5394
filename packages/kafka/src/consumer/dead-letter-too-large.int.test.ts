import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTopic, testEnv, uniqueName } from '@wabus/testing';
import { createKafka } from '../client.ts';
import { createTopicsAndWait } from '../create-topics.ts';
import { createProducer } from '../producer.ts';
import { EventRejectedError } from './classify-error.ts';
import { DLQ_HEADERS } from './dead-letter.ts';
import { runConsumer } from './run-consumer.ts';

interface Ev {
  seq: number;
  pad: string;
}

test('given a dead-letter topic that takes less than the source topic, then a large rejected record is dead-lettered without its value, naming its source, and the partition goes on', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'dlq-too-large-test' });
  const topic = uniqueName('dlqlarge.events');
  const dlqTopic = `${topic}.dlq`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic, numPartitions: 1 },
      { topic: dlqTopic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '8192' }] },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic, dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  // 30 records on one partition: every 5th is rejected; those with seq % 10 === 0 are 50 KB, the rest 100 bytes.
  const events: Ev[] = Array.from({ length: 30 }, (_, seq) => ({ seq, pad: 'x'.repeat(seq % 10 === 0 ? 50_000 : 100) }));
  const producer = createProducer(kafka);
  await producer.send([{ topic, messages: events.map((e) => ({ key: 'k', value: JSON.stringify(e) })) }]);
  await producer.close();

  const applied: number[] = [];
  const rt = await runConsumer<Ev>({
    kafka,
    groupId: uniqueName('dlqlarge.group'),
    topic,
    dlqTopic,
    maxBatchRecords: 7,
    retry: { initialMs: 50, maxMs: 500 },
    decode: (v) => JSON.parse(v.toString('utf8')) as Ev,
    async handleBatch(records) {
      const bad = records.filter((r) => r.event.seq % 5 === 0);
      for (const r of records) if (r.event.seq % 5 !== 0) applied.push(r.event.seq);
      return { rejected: bad.map((r) => ({ offset: r.offset, error: new EventRejectedError(`seq ${r.event.seq} is bad`, { code: 'WABUS_TEST_BAD' }) })) };
    },
  });
  t.after(() => rt.stop());
  let timer: NodeJS.Timeout | undefined;
  const caughtUp = await Promise.race([
    rt.whenApplied().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 30_000))),
  ]).finally(() => clearTimeout(timer));
  assert.ok(caughtUp, `the partition went on: ${JSON.stringify(rt.status().partitions)}`);
  assert.equal(applied.length, 24);

  const letters = await readTopic(kafka, dlqTopic, { timeoutMs: 30_000 });
  const bySource = letters.map((l) => ({
    offset: Number(l.headers[DLQ_HEADERS.offset]),
    code: l.headers[DLQ_HEADERS.code],
    omitted: l.headers[DLQ_HEADERS.valueOmitted] ?? null,
    value: l.value?.length ?? null,
  }));
  bySource.sort((a, b) => a.offset - b.offset);
  // Each rejected record once, with its code; the 50 KB ones (seq 0, 10, 20) without their value, its size named;
  // the small ones whole, unless one shared a request with a large one (then its size is named too).
  assert.deepEqual(
    bySource.map((l) => l.offset),
    [0, 5, 10, 15, 20, 25],
  );
  assert.ok(bySource.every((l) => l.code === 'WABUS_TEST_BAD'));
  for (const l of bySource) {
    const size = Buffer.byteLength(JSON.stringify(events[l.offset]));
    if (l.offset % 10 === 0) assert.deepEqual([l.value, l.omitted], [null, String(size)], `offset ${l.offset}`);
    else assert.ok(l.value === size || (l.value === null && l.omitted === String(size)), `offset ${l.offset}: whole, or its size named`);
  }
});
