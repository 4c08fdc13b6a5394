import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type S3Server } from '@wabus/infra';
import { mediaBytes } from '@wabus/standins';
import { produceRecords, readTopic } from '@wabus/testing';
import { graphStandIn, mediaDoc, mediaEnv, mediaFixture, mediaRecords, startMedia, testKafka } from './media.test-support.ts';
import { createS3ObjectStore } from './s3-object-store.ts';
import { MediaStoreError } from './errors.ts';

let s3: S3Server;
before(async () => {
  s3 = await startS3Server({ log: (m) => process.stderr.write(`[s3] ${m}\n`) });
});
after(() => s3.stop());

const s3Env = (prefix: string) => ({
  MEDIA_STORE_BACKEND: 's3',
  MEDIA_S3_ENDPOINT: s3.endpoint,
  MEDIA_S3_BUCKET: s3.bucket,
  MEDIA_S3_PREFIX: prefix,
  MEDIA_S3_ACCESS_KEY_ID: 'test',
  MEDIA_S3_SECRET_ACCESS_KEY: 'test',
});

async function keysUnder(prefix: string): Promise<string[]> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((c) => c.Key!).sort();
  } finally {
    client.destroy();
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('media-store on S3: lookups failing 3× with 503 → one object (a multipart upload of 12 MB) whose sha256 matches; the API serves it whole and by range', async (t) => {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const m = await graph.media.add({ id: 'video-s3', size: 12 * 1024 * 1024, mimeType: 'video/mp4' });
  const lookup503 = { kind: 'error' as const, code: 2, status: 503, match: (h: { media: string | null }) => h.media === 'lookup' };
  graph.script(lookup503, lookup503, lookup503);
  const prefix = `t1-${Date.now()}/`;
  const svc = await startMedia(t, mediaEnv({ ...fx, graphUrl: graph.url, extra: s3Env(prefix) }));
  await produceRecords(kafka, fx.topic, [
    ...mediaRecords({ mediaId: m.id, sha256: m.sha256Base64, type: 'video', mimeType: 'video/mp4' }),
    ...mediaRecords({ mediaId: m.id, sha256: m.sha256Base64, type: 'video' }),
  ]);
  await svc.runtime.whenApplied();

  const doc = await mediaDoc(svc, m.id);
  assert.equal(doc?.state, 'stored', JSON.stringify(doc));
  assert.deepEqual([doc.stored?.backend, doc.stored?.key, doc.stored?.size], ['s3', `${prefix}sha256/${m.sha256}`, m.size]);
  assert.deepEqual(await keysUnder(prefix), [`${prefix}sha256/${m.sha256}`], 'one object');
  assert.deepEqual(
    graph.requests.map((r) => `${r.media}:${r.status}`),
    ['lookup:503', 'lookup:503', 'lookup:503', 'lookup:200', 'download:200'],
  );
  const stored = Buffer.concat(await (await svc.store.read(m.sha256)).toArray());
  assert.equal(sha256(stored), m.sha256);

  const api = `http://127.0.0.1:${(svc.app.server.address() as { port: number }).port}`;
  const part = await fetch(`${api}/v1/media/${m.id}/content`, { headers: { range: 'bytes=-4096' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-type'), 'video/mp4');
  assert.equal(part.headers.get('content-range'), `bytes ${m.size - 4096}-${m.size - 1}/${m.size}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), stored.subarray(m.size - 4096));
  const whole = await fetch(`${api}/v1/media/${m.id}/content`);
  assert.equal(whole.headers.get('content-length'), String(m.size));
  assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), m.sha256);
  assert.equal((await readTopic(kafka, fx.dlqTopic)).length, 0);
});

test('S3 object store: bytes that do not hash to the name leave no object (small: one PUT; large: an aborted multipart upload)', async () => {
  const prefix = `t2-${Date.now()}/`;
  const store = createS3ObjectStore({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    bucket: s3.bucket,
    prefix,
    accessKeyId: 't',
    secretAccessKey: 't',
    forcePathStyle: true,
    partSize: 5 * 1024 * 1024,
  });
  try {
    const wrong = 'f'.repeat(64);
    for (const size of [1000, 11 * 1024 * 1024]) {
      await assert.rejects(store.put(wrong, mediaBytes('x', size), 'application/pdf'), (err) => MediaStoreError.is(err, 'WABUS_MEDIA_STORE_HASH_MISMATCH'));
    }
    assert.deepEqual(await keysUnder(prefix), []);
    assert.equal(await store.stat(wrong), null);
    const right = sha256(Buffer.concat(await mediaBytes('y', 6 * 1024 * 1024).toArray()));
    assert.deepEqual(await store.put(right, mediaBytes('y', 6 * 1024 * 1024), 'application/pdf'), { size: 6 * 1024 * 1024 });
    assert.equal(await store.stat(right), 6 * 1024 * 1024);
    assert.deepEqual(await keysUnder(prefix), [`${prefix}sha256/${right}`]);
    await assert.rejects(store.read(wrong), (err) => MediaStoreError.is(err, 'WABUS_MEDIA_STORE_OBJECT_MISSING'));
    assert.equal(
      (await Readable.from(await store.read(right, { start: 0, end: 9 })).toArray()).reduce((n, c: Buffer) => n + c.length, 0),
      10,
    );
  } finally {
    await store.close();
  }
});
