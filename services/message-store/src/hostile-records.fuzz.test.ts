// Records whose item is hostile (docs/fuzz.md, consumers), between good messages on one partition: each is applied or
// dead-lettered with a code, and the good messages after them are stored (nothing poisons the partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { testEnv } from '@wabus/testing';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import { startService } from './service.test-support.ts';

test('message-store: hostile records are applied or dead-lettered with a code, and never hold back the messages after them', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'message-store-test' });
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'ms.hostile', kinds: ['message', 'echo'], bodies: 90 });
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  const run = await consumeHostileRecords({ kafka, topic, dlqTopic, good, hostile, start: async () => (service = await startService(t, { topic, dlqTopic })) });
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
