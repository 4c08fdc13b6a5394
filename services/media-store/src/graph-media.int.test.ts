import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startGraphApiStandIn } from '@wabus/standins';
import { freePort } from '@wabus/testing';
import { MediaStoreError } from './errors.ts';
import { createGraphMedia } from './graph-media.ts';

test('graph media client: lookup with the token and phone_number_id, then a streamed download; past maxBytes the stream fails with TOO_LARGE; a silent server fails the attempt', async (t) => {
  const s = await startGraphApiStandIn({ accessToken: 'tok' });
  t.after(() => s.close());
  const m = await s.media.add({ id: 'm-1', size: 300_000, mimeType: 'video/mp4' });
  const graph = createGraphMedia({ baseUrl: s.url, apiVersion: 'v21.0', timeoutMs: 500 });
  const r = await graph.lookup(m.id, { token: 'tok', phoneNumberId: '1065' });
  assert.ok(r.ok);
  assert.deepEqual({ ...r.media, url: undefined }, { url: undefined, mimeType: 'video/mp4', sha256: m.sha256, size: 300_000 });
  assert.equal(s.requests[0]!.path, '/v21.0/m-1');
  assert.equal(s.requests[0]!.phoneNumberId, '1065', 'phone_number_id sent');

  const whole = await graph.download(r.media.url, 'tok', 300_000);
  assert.ok(whole.ok);
  assert.equal(whole.size, 300_000);
  assert.equal(
    createHash('sha256')
      .update(Buffer.concat(await whole.body.toArray()))
      .digest('hex'),
    m.sha256,
  );

  const capped = await graph.download(r.media.url, 'tok', 100_000);
  assert.ok(capped.ok);
  await assert.rejects(capped.body.toArray(), (err) => MediaStoreError.is(err, 'WABUS_MEDIA_STORE_TOO_LARGE'));

  s.script({ kind: 'hang' });
  const silent = await graph.lookup(m.id, { token: 'tok', phoneNumberId: null });
  assert.deepEqual(silent.ok ? null : [silent.failure.kind, silent.failure.code], ['transient', 'ETIMEDOUT']);
  // A port nobody listens on (fetch refuses port 9 itself, as a "bad port").
  const closed = await freePort();
  const refused = await createGraphMedia({ baseUrl: `http://127.0.0.1:${closed}`, apiVersion: 'v21.0', timeoutMs: 500 }).lookup(m.id, {
    token: 'tok',
    phoneNumberId: null,
  });
  assert.deepEqual(refused.ok ? null : [refused.failure.kind, refused.failure.code], ['transient', 'ECONNREFUSED']);
});
