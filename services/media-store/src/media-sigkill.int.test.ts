import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type S3Server } from '@wabus/infra';
import { produceRecords, spawnServiceProcess, waitUntil } from '@wabus/testing';
import { filesUnder, graphStandIn, mediaDir, mediaDoc, mediaEnv, mediaFixture, mediaRecords, startMedia, testKafka } from './media.test-support.ts';

let s3: S3Server;
before(async () => {
  s3 = await startS3Server();
});
after(() => s3.stop());

const SIZE = 12 * 1024 * 1024;

/**
 * The service as its own process (the production start), killed with SIGKILL once `midway` says the download is under
 * way; then restarted in process. The record was not committed, so it comes again and is fetched from the start.
 */
async function killMidDownload(
  t: import('node:test').TestContext,
  storeEnv: Record<string, string>,
  midway: () => Promise<boolean>,
  visible: () => Promise<string[]>,
) {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  // About 3 s to download: the kill lands in the middle.
  const m = await graph.media.add({ id: 'media-kill', size: SIZE, bytesPerSecond: 4 * 1024 * 1024, mimeType: 'video/mp4' });
  const env = mediaEnv({ ...fx, graphUrl: graph.url, extra: { ...storeEnv, WABUS_SESSION_TIMEOUT_MS: '6000', MEDIA_SWEEP_AFTER_MS: '0' } });
  await produceRecords(kafka, fx.topic, mediaRecords({ mediaId: m.id, sha256: m.sha256Base64, type: 'video' }));
  const run = spawnServiceProcess(t, 'media-store', env);
  await graph.waitForRequests(1, (r) => r.media === 'download');
  await waitUntil(() => `a partial write\n${run.output().slice(-1000)}`, midway, { timeoutMs: 30_000, intervalMs: 20 });
  await run.kill();
  assert.deepEqual(await visible(), [], 'nothing half-written is visible after the kill');

  const svc = await startMedia(t, env);
  await svc.runtime.whenApplied();
  const doc = await mediaDoc(svc, m.id);
  assert.equal(doc?.state, 'stored', JSON.stringify(doc));
  assert.equal(doc.stored?.size, SIZE);
  assert.equal(graph.requests.filter((r) => r.media === 'download').length, 2, 'downloaded again from the start');
  const bytes = Buffer.concat(await (await svc.store.read(m.sha256)).toArray());
  assert.equal(createHash('sha256').update(bytes).digest('hex'), m.sha256);
  return { m, svc };
}

test(
  'media-store (fs): SIGKILL mid-download, restart → stored once, nothing half-written ever visible, the leftover swept',
  { timeout: 120_000 },
  async (t) => {
    const dir = mediaDir(t);
    const partial = () => filesUnder(dir).filter((f) => f.startsWith('tmp'));
    const { m } = await killMidDownload(
      t,
      { MEDIA_STORE_DIR: dir },
      async () => partial().some((f) => statSync(join(dir, f)).size > 1024 * 1024),
      async () => filesUnder(dir).filter((f) => f.startsWith('objects')),
    );
    assert.deepEqual(filesUnder(dir), [join('objects', m.sha256.slice(0, 2), m.sha256)], 'one object; the killed write swept at start-up');
    assert.equal(
      createHash('sha256')
        .update(readFileSync(join(dir, filesUnder(dir)[0]!)))
        .digest('hex'),
      m.sha256,
    );
  },
);

test('media-store (S3): SIGKILL mid-upload, restart → one object, no partial one ever listed', { timeout: 120_000 }, async (t) => {
  const prefix = `kill-${Date.now()}/`;
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  t.after(() => client.destroy());
  const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((c) => c.Key!);
  // A multipart upload is created once the first part (5 MiB) is read: from then on, the write is under way.
  const uploads = async () =>
    ((await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix })).catch(() => ({ Uploads: [] }))).Uploads ?? []).length;
  const { m } = await killMidDownload(
    t,
    {
      MEDIA_STORE_BACKEND: 's3',
      MEDIA_S3_ENDPOINT: s3.endpoint,
      MEDIA_S3_BUCKET: s3.bucket,
      MEDIA_S3_PREFIX: prefix,
      MEDIA_S3_ACCESS_KEY_ID: 't',
      MEDIA_S3_SECRET_ACCESS_KEY: 't',
      MEDIA_S3_PART_SIZE: '5mb',
    },
    async () => (await uploads()) > 0,
    keys,
  );
  assert.deepEqual(await keys(), [`${prefix}sha256/${m.sha256}`]);
  assert.equal(await uploads(), 0, 'the killed upload was aborted by the start-up sweep, the new one completed');
});
