import { test } from 'node:test';
import assert from 'node:assert/strict';
import { produceRecords, scrapeMetrics } from '@wabus/testing';
import { graphStandIn, mediaDir, mediaEnv, mediaFixture, mediaRecords, startMedia, testKafka } from './media.test-support.ts';

test('media-store metrics: fetched, bytes, failed attempts and unavailable by code, Graph calls, pending and the age of the oldest (what the expiry alert reads)', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const ok = await graph.media.add({ id: 'metrics-ok', size: 123_456 });
  const stuck = await graph.media.add({ id: 'metrics-stuck', size: 1_000 });
  graph.setDefault((h) => (h.mediaId === stuck.id ? { kind: 'error', code: 2, status: 503 } : { kind: 'ok' }));
  const svc = await startMedia(
    t,
    mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: mediaDir(t), MEDIA_FETCH_ATTEMPTS: '2', MEDIA_RETRY_INITIAL_MS: '10' } }),
  );
  const empty = await scrapeMetrics(svc.app);
  assert.equal(empty.value('wabus_media_store_oldest_pending_age_seconds'), 0, 'nothing pending');
  // The stuck media's message is 26 days old: 4 days before Meta deletes it.
  const sentAt = Math.floor(Date.now() / 1000) - 26 * 86_400;
  await produceRecords(kafka, fx.topic, [
    ...mediaRecords({ mediaId: ok.id, sha256: ok.sha256 }),
    ...mediaRecords({ mediaId: 'metrics-gone', sha256: ok.sha256.replace(/^./, '0') }),
    ...mediaRecords({ mediaId: stuck.id, sha256: stuck.sha256, timestamp: sentAt }),
  ]);
  await svc.runtime.whenApplied();

  const m = await scrapeMetrics(svc.app);
  assert.equal(m.value('wabus_media_store_fetched_total'), 1);
  assert.equal(m.value('wabus_media_store_fetched_bytes_total'), 123_456);
  assert.deepEqual(m.series('wabus_media_store_fetch_failures_total'), { 'code=100': 1, 'code=2': 2 });
  assert.deepEqual(m.series('wabus_media_store_unavailable_total'), { 'code=100': 1 });
  assert.deepEqual(m.series('wabus_media_store_graph_calls_total'), { 'kind=download': 1, 'kind=lookup': 4 });
  assert.equal(m.value('wabus_media_store_pending'), 1);
  const age = m.value('wabus_media_store_oldest_pending_age_seconds');
  assert.ok(Math.abs(age - 26 * 86_400) < 120, `oldest pending ${age} s, by its message's Meta time`);
  assert.ok(age > 25 * 86_400, 'past the threshold of WabusMediaAboutToExpire');
  assert.equal(m.value('wabus_consumer_events_dead_lettered_total', { code: 'WABUS_MEDIA_STORE_FETCH_ABANDONED' }), 1);
});
