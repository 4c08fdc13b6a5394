import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startS3Server, type S3Server } from '@wabus/infra';
import { freePort, produceRecords, readVmMiB, spawnServiceProcess, testMongoClient, waitUntil } from '@wabus/testing';
import { graphStandIn, mediaDir, mediaEnv, mediaFixture, mediaRecords, testKafka } from './media.test-support.ts';
import { MEDIA_COLLECTION } from './media-collection.ts';
import type { MediaDocument } from './media-document.ts';

let s3: S3Server;
before(async () => {
  s3 = await startS3Server();
});
after(() => s3.stop());

const SIZE = 100 * 1024 * 1024;
/**
 * What a 100 MiB document may add to the service's peak resident set over a 50 MiB one: a document held whole would
 * add 50 MiB or more; a stream adds what the garbage collector lets float, a constant. Measured here, two runs each:
 * fs +2 and +1 MiB, S3 +25 and +21 MiB (two 8 MiB parts in flight and the SDK's copy of each).
 */
const MAX_GROWTH_MIB = 40;

/**
 * A 100 MB document fetched by the service as its own process (the production start); its peak resident set (VmHWM)
 * compared with the peak after a 50 MB document (which loaded every module the path needs and let the heap reach its
 * working size): twice the bytes, about the same memory. Printed in the test output.
 */
async function fetchLarge(t: import('node:test').TestContext, label: string, storeEnv: Record<string, string>) {
  const kafka = testKafka();
  const fx = await mediaFixture(t, kafka);
  const graph = await graphStandIn(t);
  const warm = await graph.media.add({ id: `doc-50mb-${label}`, size: 50 * 1024 * 1024, mimeType: 'application/pdf' });
  const m = await graph.media.add({ id: `doc-100mb-${label}`, size: SIZE, mimeType: 'application/pdf' });
  const port = await freePort();
  const env = mediaEnv({ ...fx, graphUrl: graph.url, extra: { ...storeEnv, MEDIA_STORE_PORT: String(port), LOG_LEVEL: 'warn' } });
  const run = spawnServiceProcess(t, 'media-store', env);
  await waitUntil(
    () => `ready\n${run.output().slice(-1000)}`,
    () =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000 },
  );
  const pid = run.child.pid!;
  const media = (await testMongoClient(t)).db(fx.database).collection<MediaDocument>(MEDIA_COLLECTION);
  const fetchOne = async (id: string, sha256Base64: string) => {
    await produceRecords(kafka, fx.topic, mediaRecords({ mediaId: id, sha256: sha256Base64 }));
    await waitUntil(
      () => `${id} stored\n${run.output().slice(-1000)}`,
      async () => (await media.findOne({ _id: id }))?.state === 'stored',
      { timeoutMs: 120_000, intervalMs: 100 },
    );
  };
  const idle = readVmMiB(pid, 'VmHWM')!;
  await fetchOne(warm.id, warm.sha256Base64);
  const warmed = readVmMiB(pid, 'VmHWM')!;
  const started = Date.now();
  await fetchOne(m.id, m.sha256Base64);
  const seconds = (Date.now() - started) / 1000;
  const peak = readVmMiB(pid, 'VmHWM')!;
  const doc = await media.findOne({ _id: m.id });
  assert.equal(doc?.stored?.size, SIZE);
  assert.equal(doc.stored.sha256, m.sha256);
  const line = `${label}: 100 MiB document in ${seconds.toFixed(1)} s; service VmHWM ${idle.toFixed(0)} MiB idle, ${warmed.toFixed(0)} MiB after a 50 MiB one, ${peak.toFixed(0)} MiB after the 100 MiB one (+${(peak - warmed).toFixed(0)} MiB)`;
  t.diagnostic(line);
  console.log(`# RSS ${line}`);
  assert.ok(peak - warmed < MAX_GROWTH_MIB, line);
  assert.equal(await run.stop(), 0);
  return doc;
}

test('media-store (fs): a 100 MB document streams through with bounded memory', { timeout: 240_000 }, async (t) => {
  const doc = await fetchLarge(t, 'fs', { MEDIA_STORE_DIR: mediaDir(t) });
  assert.equal(doc.stored?.backend, 'fs');
});

test('media-store (S3): a 100 MB document goes up in 8 MiB parts with bounded memory', { timeout: 240_000 }, async (t) => {
  const doc = await fetchLarge(t, 's3', {
    MEDIA_STORE_BACKEND: 's3',
    MEDIA_S3_ENDPOINT: s3.endpoint,
    MEDIA_S3_BUCKET: s3.bucket,
    MEDIA_S3_PREFIX: `large-${Date.now()}/`,
    MEDIA_S3_ACCESS_KEY_ID: 't',
    MEDIA_S3_SECRET_ACCESS_KEY: 't',
  });
  assert.equal(doc.stored?.backend, 's3');
});
