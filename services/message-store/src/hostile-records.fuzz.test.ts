// Records whose item is hostile (docs/fuzz.md, consumers), between good messages on one partition: each is applied or
// dead-lettered with a code, and the good messages after them are stored (nothing poisons the partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, encodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { createEventTopics, testEnv } from '@wabus/testing';
import { consumeHostileRecords, fuzzSettings, hostileRecords } from '@wabus/testing/fuzz';
import { simulatedEvents, startService } from './service.test-support.ts';

const settings = fuzzSettings(10_000);

test('message-store: hostile records are applied or dead-lettered with a code, and never hold back the messages after them', async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => void unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => void process.off('unhandledRejection', onUnhandled));

  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'message-store-test' });
  const topics = await createEventTopics(t, kafka, { prefix: 'ms.hostile', partitions: 1, maxMessageBytes: 2_000_000 });
  const good = simulatedEvents({ seed: `good/${settings.seed}`, bodies: 90, kinds: ['message', 'echo'], batch: 3 }).map((e) => ({
    key: e.key,
    value: encodeEvent(e),
  }));
  const hostile = hostileRecords(settings.seed, Math.max(20, Math.round(settings.runs / 20)));
  t.diagnostic(`seed ${settings.seed}: ${hostile.length} hostile records among ${good.length} good ones (replay: ${settings.replay})`);

  let service: Awaited<ReturnType<typeof startService>> | undefined;
  const run = await consumeHostileRecords({ kafka, ...topics, good, hostile, start: async () => (service = await startService(t, topics)) });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  const ids = run.goodAfter.map((r) => decodeEvent(r.value).itemId!);
  const stored = new Set(
    (
      await service!.db
        .collection('messages')
        .find({ _id: { $in: ids as never[] } }, { projection: { _id: 1 } })
        .toArray()
    ).map((d) => String(d._id)),
  );
  assert.deepEqual(
    ids.filter((id) => !stored.has(id)),
    [],
    'every good message after the hostile ones is stored',
  );
  assert.ok(service!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
