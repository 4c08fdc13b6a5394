import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MediaStoreError } from './errors.ts';
import { createFsObjectStore } from './fs-object-store.ts';

const tempDir = (t: { after: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'wabus-fs-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const bytes = Buffer.from('the same bytes, stored once');
const sha = createHash('sha256').update(bytes).digest('hex');

test('given bytes and their sha256, then one object under objects/, readable whole and by range; given wrong bytes, nothing', async (t) => {
  const dir = tempDir(t);
  const store = await createFsObjectStore(dir);
  assert.equal(await store.stat(sha), null);
  await assert.rejects(store.put(sha, Readable.from([Buffer.from('other bytes')]), 'text/plain'), (err) =>
    MediaStoreError.is(err, 'WABUS_MEDIA_STORE_HASH_MISMATCH'),
  );
  assert.deepEqual(readdirSync(join(dir, 'tmp')), [], 'the rejected write left nothing');
  assert.equal(await store.stat(sha), null);
  assert.deepEqual(await store.put(sha, Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), 'text/plain'), { size: bytes.length });
  assert.deepEqual(await store.put(sha, Readable.from([bytes]), 'text/plain'), { size: bytes.length }, 'again: the same object');
  assert.equal(await store.stat(sha), bytes.length);
  assert.equal(store.keyOf(sha), join('objects', sha.slice(0, 2), sha));
  assert.deepEqual(Buffer.concat(await (await store.read(sha)).toArray()), bytes);
  assert.equal(Buffer.concat(await (await store.read(sha, { start: 4, end: 7 })).toArray()).toString(), 'same');
  await assert.rejects(store.read('0'.repeat(64)), (err) => MediaStoreError.is(err, 'WABUS_MEDIA_STORE_OBJECT_MISSING'));
});

test('given leftovers of killed writes, then the sweep removes those older than its age, not newer ones', async (t) => {
  const dir = tempDir(t);
  const store = await createFsObjectStore(dir);
  writeFileSync(join(dir, 'tmp', 'old.part'), 'x');
  writeFileSync(join(dir, 'tmp', 'new.part'), 'x');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(dir, 'tmp', 'old.part'), hourAgo, hourAgo);
  assert.equal(await store.sweep(60_000), 1);
  assert.deepEqual(readdirSync(join(dir, 'tmp')), ['new.part']);
});

test('given a media directory that cannot be made, then the fs store refuses to start with a coded error naming MEDIA_STORE_DIR', async (t) => {
  const dir = tempDir(t);
  // A file where the directory should be (the tests run as root: permissions alone would not stop it).
  writeFileSync(join(dir, 'file'), '');
  await assert.rejects(
    createFsObjectStore(join(dir, 'file', 'media')),
    (err) => MediaStoreError.is(err, 'WABUS_MEDIA_STORE_DIR_UNUSABLE') && err.param === 'MEDIA_STORE_DIR' && /ENOTDIR/.test(err.message),
  );
});
