// Records whose item is hostile (docs/fuzz.md, consumers), between good media messages on one partition: each is
// applied or dead-lettered with a code, every good media message after them ends in a final state (nothing poisons
// the partition), and no hostile id reaches the Graph API as anything but one media id in its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { testDatabase } from '@wabus/testing';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import { readMediaReference } from './media-reference.ts';
import { graphStandIn, mediaDir, mediaDoc, mediaEnv, mediaRecords, startMedia, testKafka } from './media.test-support.ts';

/** Media ids that would be another Graph path, or none, in the lookup `GET /<version>/<media id>`. */
const NASTY_MEDIA_IDS = ['..', '.', '../..', '../me/accounts', 'a/b', '%2e%2e', '?fields=x', '#', '\ud800', '$where', 'x'.repeat(3_000)];

test('media-store: hostile records are applied or dead-lettered with a code, and every good media message after them is settled', async (t) => {
  const kafka = testKafka();
  const kinds = ['image', 'video', 'audio', 'document', 'sticker', 'text', 'echo'];
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'media.hostile', kinds, bodies: 40 });
  // No media is known to the stand-in: each lookup answers 404 (code 100) and its media becomes unavailable at once.
  const graph = await graphStandIn(t);
  let service: Awaited<ReturnType<typeof startMedia>> | undefined;
  const env = mediaEnv({ topic, dlqTopic, database: testDatabase(t, { prefix: 'media' }), graphUrl: graph.url, extra: { MEDIA_STORE_DIR: mediaDir(t) } });
  // Besides the seeded ones, media messages whose media id is each nasty id (the seeded bodies rarely carry media).
  const nasty = NASTY_MEDIA_IDS.flatMap((mediaId) => mediaRecords({ mediaId, sha256: 'a'.repeat(64) }).map((r) => ({ ...r, cls: 'hostile_ids' as const })));
  const run = await consumeHostileRecords({
    kafka,
    topic,
    dlqTopic,
    good,
    hostile: [...nasty, ...hostile],
    start: async () => (service = await startMedia(t, env)),
  });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);

  const mediaIds = run.goodAfter.flatMap((r) => {
    const m = readMediaReference(decodeEvent(r.value));
    return m.kind === 'media' ? [m.media.mediaId] : [];
  });
  assert.ok(mediaIds.length > 5, `enough media messages after the hostile ones (${mediaIds.length})`);
  const states = await Promise.all(mediaIds.map(async (id) => `${id} ${(await mediaDoc(service!, id))?.state ?? 'missing'}`));
  assert.deepEqual(
    states.filter((s) => !s.endsWith(' unavailable')),
    [],
    'each good media message after the hostile ones looked up once and settled (unknown to the stand-in: unavailable)',
  );
  // Every call was a media lookup of one path segment: no hostile id made it another Graph path.
  assert.deepEqual(
    graph.requests.filter((r) => r.mediaId === null).map((r) => `${r.method} ${r.path}`),
    [],
  );
  assert.ok(service!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
