// Records whose item is hostile (docs/fuzz.md, consumers), between good statuses on one partition: each is applied or
// dead-lettered with a code, and the good statuses after them are applied (nothing poisons the partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { createBodyGenerator } from '@wabus/simulator';
import { createEventTopics, ingressRecords } from '@wabus/testing';
import { consumeHostileRecords, fuzzSettings, hostileRecords } from '@wabus/testing/fuzz';
import { readDocs, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

const settings = fuzzSettings(10_000);
const NOW = Date.UTC(2026, 0, 15, 12);

test('status-tracker: hostile records are applied or dead-lettered with a code, and never hold back the statuses after them', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => void unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => void process.off('unhandledRejection', onUnhandled));

  const kafka = testKafka();
  const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'st.hostile', partitions: 1, maxMessageBytes: 2_000_000 });
  const statuses = createBodyGenerator({ seed: `good/${settings.seed}`, kinds: ['status'], batch: 3, now: () => NOW });
  const good = Array.from({ length: 90 }, (_, i) => ingressRecords(statuses.next().body, NOW + i)).flat();
  const hostile = hostileRecords(settings.seed, Math.max(20, Math.round(settings.runs / 20)));
  t.diagnostic(`seed ${settings.seed}: ${hostile.length} hostile records among ${good.length} good ones (replay: ${settings.replay})`);

  let tracker: Awaited<ReturnType<typeof startTracker>> | undefined;
  const run = await consumeHostileRecords({
    kafka,
    topic,
    dlqTopic,
    good,
    hostile,
    start: async () => (tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) })),
  });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  const stored = new Set((await readDocs(tracker!.db)).map((d) => d._id));
  const missing = run.goodAfter.map((r) => decodeEvent(r.value).itemId!).filter((id) => !stored.has(id));
  assert.deepEqual(missing, [], 'every good status after the hostile ones is stored');
  assert.ok(tracker!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
