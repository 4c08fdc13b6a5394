import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProducer, createTopicsAndWait, DLQ_HEADERS } from '@wabus/kafka';
import { executeReplayPlan, parseDeadLetter, planReplay, readRecords, redriveMessage } from '@wabus/ops';
import { produceRecords, readTopic } from '@wabus/testing';
import { graphStandIn, mediaDir, mediaDoc, mediaEnv, mediaFixture, mediaRecords, startMedia, testKafka } from './media.test-support.ts';

test('media-store: a reset replay from offset 0 makes zero Graph calls; a media left pending by a spent retry budget is dead-lettered, and its re-drive after the fix fetches it', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const redriveTopic = `${fx.topic}.redrive`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic: redriveTopic, numPartitions: 1 }] });
  t.after(async () => {
    await admin.deleteTopics({ topics: [redriveTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const graph = await graphStandIn(t);
  const ok = await graph.media.add({ id: 'media-ok', size: 50_000 });
  const flaky = await graph.media.add({ id: 'media-flaky', size: 70_000 });
  // Meta's CDN is down for media-flaky until "the fix": every call for it answers 503.
  let down = true;
  graph.setDefault((h) => (down && h.mediaId === flaky.id ? { kind: 'error', code: 2, status: 503 } : { kind: 'ok' }));
  const env = mediaEnv({
    ...fx,
    graphUrl: graph.url,
    extra: { MEDIA_STORE_DIR: mediaDir(t), MEDIA_FETCH_ATTEMPTS: '3', MEDIA_RETRY_INITIAL_MS: '20', WABUS_REDRIVE_TOPIC: redriveTopic },
  });
  const first = await startMedia(t, env);
  await produceRecords(kafka, fx.topic, [
    ...mediaRecords({ mediaId: ok.id, sha256: ok.sha256Base64 }),
    ...mediaRecords({ mediaId: 'media-gone', sha256: ok.sha256Base64.replace(/^./, 'A') }),
    ...mediaRecords({ mediaId: flaky.id, sha256: flaky.sha256Base64 }),
  ]);
  await first.runtime.whenApplied();
  assert.equal((await mediaDoc(first, ok.id))?.state, 'stored');
  assert.equal((await mediaDoc(first, 'media-gone'))?.state, 'unavailable');
  const pending = await mediaDoc(first, flaky.id);
  assert.deepEqual([pending?.state, pending?.attempts, pending?.lastError?.code], ['pending', 3, 2], 'three attempts, then left pending: not done');
  const dead = await readTopic(kafka, fx.dlqTopic);
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.headers[DLQ_HEADERS.code], 'WABUS_MEDIA_STORE_FETCH_ABANDONED');
  const calls = graph.requests.length;
  assert.equal(calls, 2 + 1 + 3, 'ok: lookup + download; gone: one lookup; flaky: three lookups');
  await first.stop();

  // wabus replay reset --from beginning: the group re-reads everything, marked as a replay.
  const plan = await planReplay(kafka, {
    mode: 'reset',
    topic: fx.topic,
    groupId: env['WABUS_GROUP_ID']!,
    from: { kind: 'beginning' },
    to: { kind: 'frontier' },
    id: 'media-replay',
  });
  await executeReplayPlan(kafka, plan);
  const replay = await startMedia(t, env);
  await replay.runtime.whenApplied();
  assert.equal(graph.requests.length, calls, 'zero Graph calls in the replay, even for the pending media');
  assert.equal((await mediaDoc(replay, flaky.id))?.state, 'pending');
  assert.equal((await readTopic(kafka, fx.dlqTopic)).length, 1, 'nothing dead-lettered again');

  // The fix, then `wabus dlq redrive`: the dead letter goes back through the redrive topic and is fetched.
  down = false;
  const producer = createProducer(kafka);
  const letters = await readRecords(kafka, admin, [{ topic: fx.dlqTopic }]);
  await producer.send([{ topic: redriveTopic, messages: letters.map((r) => redriveMessage(parseDeadLetter(r))) }]);
  await producer.close();
  assert.ok(replay.redrive !== null);
  await replay.redrive.whenApplied();
  const fetched = await mediaDoc(replay, flaky.id);
  assert.equal(fetched?.state, 'stored');
  assert.equal(fetched.stored?.sha256, flaky.sha256);
  assert.deepEqual(
    graph.requests.slice(calls).map((r) => `${r.media}:${r.mediaId}:${r.status}`),
    [`lookup:${flaky.id}:200`, `download:${flaky.id}:200`],
    'only the still-pending media is fetched',
  );
});
