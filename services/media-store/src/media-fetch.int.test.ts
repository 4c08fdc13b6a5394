import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPLAY_HEADER } from '@wabus/kafka';
import { produceRecords, readTopic } from '@wabus/testing';
import { filesUnder, graphStandIn, mediaDir, mediaDoc, mediaEnv, mediaFixture, mediaRecords, startMedia, testKafka } from './media.test-support.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('media-store: lookups failing 3× with 503, short-lived URLs and a failed download → one stored object whose sha256 matches the webhook; readable whole and by range', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  // URLs live 100 ms: the retry after the failed download (150–300 ms later) finds its URL expired (404) and looks the media up again.
  const graph = await graphStandIn(t, { mediaUrlTtlMs: 100 });
  const m = await graph.media.add({ id: 'media-retry', size: 300_000, mimeType: 'image/jpeg', phoneNumberId: '106540352242922' });
  const lookup503 = { kind: 'error' as const, code: 2, status: 503, match: (h: { media: string | null }) => h.media === 'lookup' };
  graph.script(lookup503, lookup503, lookup503, { kind: 'error', code: 2, status: 503, match: (h) => h.media === 'download' });
  const dir = mediaDir(t);
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: dir, MEDIA_RETRY_INITIAL_MS: '300' } }));
  await produceRecords(kafka, fx.topic, mediaRecords({ mediaId: m.id, sha256: m.sha256Base64, type: 'image', mimeType: 'image/jpeg' }));
  await svc.runtime.whenApplied();

  const doc = await mediaDoc(svc, m.id);
  assert.equal(doc?.state, 'stored', JSON.stringify(doc));
  assert.equal(doc.sha256, m.sha256, 'the webhook base64 sha256, as hex');
  assert.equal(doc.stored?.sha256, m.sha256);
  assert.equal(doc.stored?.size, 300_000);
  assert.equal(doc.stored?.mimeType, 'image/jpeg');
  const calls = graph.requests.filter((r) => r.media !== null).map((r) => `${r.media}:${r.status}`);
  assert.deepEqual(calls, ['lookup:503', 'lookup:503', 'lookup:503', 'lookup:200', 'download:503', 'download:404', 'lookup:200', 'download:200']);
  assert.equal(doc.attempts, 6, 'four lookups that failed or led to a failed download, then two');
  assert.ok(graph.requests.every((r) => r.headers['authorization'] === `Bearer ${graph.accessToken}`));
  assert.ok(graph.requests.filter((r) => r.media === 'lookup').every((r) => r.phoneNumberId === '106540352242922'));

  const files = filesUnder(dir);
  assert.deepEqual(files, [join('objects', m.sha256.slice(0, 2), m.sha256)], 'one object, no temporary file left');
  assert.equal(sha256(readFileSync(join(dir, files[0]!))), m.sha256);

  const api = `http://127.0.0.1:${(svc.app.server.address() as { port: number }).port}`;
  const view = (await (await fetch(`${api}/v1/media/${m.id}`)).json()) as { id: string; state: string; contentPath: string };
  assert.deepEqual([view.id, view.state, view.contentPath], [m.id, 'stored', `/v1/media/${m.id}/content`]);
  const whole = await fetch(`${api}${view.contentPath}`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'image/jpeg');
  assert.equal(whole.headers.get('content-length'), '300000');
  assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), m.sha256);
  const part = await fetch(`${api}${view.contentPath}`, { headers: { range: 'bytes=1000-1999' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 1000-1999/300000');
  const partBytes = Buffer.from(await part.arrayBuffer());
  assert.equal(partBytes.length, 1000);
  assert.deepEqual(partBytes, readFileSync(join(dir, files[0]!)).subarray(1000, 2000));
  const past = await fetch(`${api}${view.contentPath}`, { headers: { range: 'bytes=300000-' } });
  assert.equal(past.status, 416);
  assert.equal(((await past.json()) as { error: { code: string } }).error.code, 'WABUS_MEDIA_STORE_RANGE_NOT_SATISFIABLE');
  assert.equal((await readTopic(kafka, fx.dlqTopic)).length, 0);
});

test('media-store: a lookup answering 404 (Meta code 100) → unavailable with the code at once, one call, nothing stored; its API says so', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const dir = mediaDir(t);
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: dir } }));
  await produceRecords(kafka, fx.topic, mediaRecords({ mediaId: 'media-gone', sha256: 'a'.repeat(64) }));
  await svc.runtime.whenApplied();

  const doc = await mediaDoc(svc, 'media-gone');
  assert.equal(doc?.state, 'unavailable');
  assert.equal(doc.unavailable?.code, 100);
  assert.equal(doc.unavailable?.httpStatus, 404);
  assert.equal(doc.attempts, 1);
  assert.equal(graph.requests.length, 1);
  assert.deepEqual(filesUnder(dir), []);
  const api = `http://127.0.0.1:${(svc.app.server.address() as { port: number }).port}`;
  const content = await fetch(`${api}/v1/media/media-gone/content`);
  assert.equal(content.status, 409);
  assert.equal(((await content.json()) as { error: { code: string } }).error.code, 'WABUS_MEDIA_STORE_NOT_STORED');
  const unknown = await fetch(`${api}/v1/media/nope`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'WABUS_MEDIA_STORE_NOT_FOUND');
  assert.equal((await readTopic(kafka, fx.dlqTopic)).length, 0, 'unavailable is an outcome, not a dead letter');
});

test('media-store: the same media in two messages, and the same bytes under another media id, are stored once and downloaded once', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const a = await graph.media.add({ id: 'media-a', size: 200_000, seed: 'same-bytes' });
  const b = await graph.media.add({ id: 'media-b', size: 200_000, seed: 'same-bytes' });
  assert.equal(a.sha256, b.sha256);
  const dir = mediaDir(t);
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: dir } }));
  await produceRecords(kafka, fx.topic, [
    ...mediaRecords({ mediaId: a.id, sha256: a.sha256 }),
    ...mediaRecords({ mediaId: a.id, sha256: a.sha256, echo: true }),
    ...mediaRecords({ mediaId: b.id, sha256: b.sha256Base64 }),
  ]);
  await svc.runtime.whenApplied();
  // And again later, in a batch of its own: the document is stored, nothing is called.
  await produceRecords(kafka, fx.topic, mediaRecords({ mediaId: a.id, sha256: a.sha256 }));
  await svc.runtime.whenApplied();

  const [da, db] = [await mediaDoc(svc, a.id), await mediaDoc(svc, b.id)];
  assert.equal(da?.state, 'stored');
  assert.equal(db?.state, 'stored');
  assert.equal(da.messageIds.length, 3, 'three messages name media-a');
  assert.equal(da.stored?.key, db.stored?.key, 'one object for both');
  assert.deepEqual(filesUnder(dir), [join('objects', a.sha256.slice(0, 2), a.sha256)]);
  assert.equal(graph.requests.filter((r) => r.media === 'download').length, 1, 'downloaded once');
  assert.equal(graph.requests.length, 2, 'one lookup, one download: media-b found its bytes stored');

  const api = `http://127.0.0.1:${(svc.app.server.address() as { port: number }).port}`;
  const inline = await fetch(`${api}/v1/media/${a.id}/content`);
  assert.equal(inline.headers.get('content-disposition'), `inline; filename="file.pdf"; filename*=UTF-8''file.pdf`);
  await inline.arrayBuffer();
  const saved = await fetch(`${api}/v1/media/${b.id}/content?download=true`);
  assert.equal(saved.headers.get('content-disposition'), `attachment; filename="file.pdf"; filename*=UTF-8''file.pdf`);
  assert.equal((await saved.arrayBuffer()).byteLength, 200_000);
  const bad = await fetch(`${api}/v1/media/${b.id}/content?download=yes`);
  assert.equal(bad.status, 400);
  assert.deepEqual(((await bad.json()) as { error: { code: string; param: string } }).error.param, 'download');
});

test("media-store: a media older than Meta's 30 days is unavailable (expired) without a call, live or replayed", async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const m = await graph.media.add({ id: 'media-old', size: 1_000 });
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: { MEDIA_STORE_DIR: mediaDir(t) } }));
  const longAgo = Math.floor(Date.now() / 1000) - 31 * 86_400;
  await produceRecords(kafka, fx.topic, [
    ...mediaRecords({ mediaId: m.id, sha256: m.sha256, timestamp: longAgo }),
    ...mediaRecords({ mediaId: 'media-old-replayed', sha256: m.sha256, timestamp: longAgo }, { [REPLAY_HEADER]: 'r1' }),
  ]);
  await svc.runtime.whenApplied();
  for (const id of [m.id, 'media-old-replayed']) {
    const doc = await mediaDoc(svc, id);
    assert.deepEqual([doc?.state, doc?.unavailable?.code, doc?.attempts], ['unavailable', 'expired', 0], id);
  }
  assert.equal(graph.requests.length, 0);
});
