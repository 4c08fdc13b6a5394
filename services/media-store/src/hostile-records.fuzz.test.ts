// Records whose item is hostile (docs/fuzz.md, consumers), between good messages on one partition: each is applied or
// dead-lettered with a code, and the media messages after them are recorded (nothing poisons the partition).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, parseItem } from '@wabus/events';
import { testDatabase } from '@wabus/testing';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import { graphStandIn, mediaDir, mediaEnv, startMedia, testKafka } from './media.test-support.ts';
import { mediaOf } from './media-collection.ts';

test('media-store: hostile records are applied or dead-lettered with a code, and never hold back the media messages after them', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'media.hostile', kinds: ['message', 'echo'], bodies: 90 });
  // The simulator's media ids are unknown to the stand-in: each lookup answers 404, the media is unavailable.
  const graph = await graphStandIn(t);
  let svc: Awaited<ReturnType<typeof startMedia>> | undefined;
  const database = testDatabase(t, { prefix: 'media_hostile' });
  const run = await consumeHostileRecords({
    kafka,
    topic,
    dlqTopic,
    good,
    hostile,
    start: async () => (svc = await startMedia(t, mediaEnv({ topic, dlqTopic, database, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: mediaDir(t) } }))),
  });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  const mediaIds = run.goodAfter.flatMap((r) => {
    const item = parseItem(decodeEvent(r.value));
    if (item.kind !== 'message' && item.kind !== 'message_echo') return [];
    const m = item.message as unknown as Record<string, { id?: string | null } | undefined> & { type: string };
    const id = ['image', 'video', 'audio', 'document', 'sticker'].includes(m.type) ? m[m.type]?.id : null;
    return typeof id === 'string' ? [id] : [];
  });
  assert.ok(mediaIds.length > 0, 'good media messages after the hostile ones');
  const recorded = new Set(
    (
      await mediaOf(svc!.db)
        .find({ _id: { $in: mediaIds } })
        .toArray()
    ).map((d) => d._id),
  );
  assert.deepEqual(
    mediaIds.filter((id) => !recorded.has(id)),
    [],
    'every good media message after the hostile ones is recorded',
  );
  assert.ok(svc!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
