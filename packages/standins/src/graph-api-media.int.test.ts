import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startGraphApiStandIn, type GraphApiStandIn } from './graph-api.ts';
import { mediaBytes } from './graph-api-media.ts';

const TOKEN = 'media-token';

async function standIn(
  t: { after: (fn: () => Promise<void>) => void },
  o: { mediaUrlTtlMs?: number; accessTokens?: Record<string, string> } = {},
): Promise<GraphApiStandIn> {
  const s = await startGraphApiStandIn({ accessToken: TOKEN, ...o });
  t.after(() => s.close());
  return s;
}

const get = (url: string, token = TOKEN) => fetch(url, { headers: { authorization: `Bearer ${token}` } });

test('graph-api stand-in media: GET /:version/:mediaId answers a URL, mime type, hex sha256 and size; the URL streams exactly those bytes', async (t) => {
  const s = await standIn(t);
  const m = await s.media.add({ id: '1234567890', size: 1_000_003, mimeType: 'audio/ogg' });
  const lookup = await get(`${s.url}/v21.0/${m.id}`);
  assert.equal(lookup.status, 200);
  const body = (await lookup.json()) as { url: string; mime_type: string; sha256: string; file_size: number; id: string; messaging_product: string };
  assert.deepEqual(
    { ...body, url: undefined },
    { url: undefined, mime_type: 'audio/ogg', sha256: m.sha256, file_size: 1_000_003, id: m.id, messaging_product: 'whatsapp' },
  );
  assert.equal(Buffer.from(m.sha256Base64, 'base64').toString('hex'), m.sha256);
  const download = await get(body.url);
  assert.equal(download.status, 200);
  assert.equal(download.headers.get('content-type'), 'audio/ogg');
  assert.equal(download.headers.get('content-length'), '1000003');
  const bytes = Buffer.from(await download.arrayBuffer());
  assert.equal(bytes.length, 1_000_003);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), m.sha256);
  assert.deepEqual(
    s.requests.map((r) => [r.media, r.mediaId, r.status]),
    [
      ['lookup', m.id, 200],
      ['download', m.id, 200],
    ],
  );
  assert.equal((await get(`${s.url}/${m.id}`)).status, 200, 'without a version too');
});

test('graph-api stand-in media: bytes are deterministic per seed and size; different seeds differ', async () => {
  const hash = async (seed: string, size: number) =>
    createHash('sha256')
      .update(Buffer.concat(await mediaBytes(seed, size).toArray()))
      .digest('hex');
  assert.equal(await hash('a', 200_000), await hash('a', 200_000));
  assert.notEqual(await hash('a', 200_000), await hash('b', 200_000));
  assert.equal(Buffer.concat(await mediaBytes('a', 0).toArray()).length, 0);
});

test('graph-api stand-in media: an unknown media is 404 with code 100 (subcode 33); an expired URL is 404; a wrong token is 401 code 190; scripted failures apply to media calls', async (t) => {
  const s = await standIn(t, { mediaUrlTtlMs: 50, accessTokens: { '1065': 'tenant-a' } });
  const m = await s.media.add({ id: 'm1', size: 10, phoneNumberId: '1065' });
  const unknown = await get(`${s.url}/v21.0/nope`);
  assert.equal(unknown.status, 404);
  assert.deepEqual(((await unknown.json()) as { error: { code: number; error_subcode: number } }).error.code, 100);
  assert.equal((await get(`${s.url}/v21.0/${m.id}?phone_number_id=1065`, TOKEN)).status, 401, "another tenant's token");
  const { url } = (await (await get(`${s.url}/v21.0/${m.id}?phone_number_id=1065`, 'tenant-a')).json()) as { url: string };
  await new Promise((r) => setTimeout(r, 80));
  assert.equal((await get(url, 'tenant-a')).status, 404, 'expired');
  s.script(
    { kind: 'error', code: 2, status: 503, match: (h) => h.media === 'lookup' },
    { kind: 'error', code: 4, status: 429, match: (h) => h.media === 'lookup' },
  );
  assert.equal((await get(`${s.url}/v21.0/${m.id}`, 'tenant-a')).status, 503);
  assert.equal((await get(`${s.url}/v21.0/${m.id}`, 'tenant-a')).status, 429);
  assert.equal((await get(`${s.url}/v21.0/${m.id}`, 'tenant-a')).status, 200);
});

test('graph-api stand-in media: a throttled media streams at about its rate', async (t) => {
  const s = await standIn(t);
  const m = await s.media.add({ id: 'slow', size: 400_000, bytesPerSecond: 1_000_000 });
  const { url } = (await (await get(`${s.url}/v21.0/${m.id}`)).json()) as { url: string };
  const started = Date.now();
  assert.equal((await (await get(url)).arrayBuffer()).byteLength, 400_000);
  const ms = Date.now() - started;
  assert.ok(ms >= 300 && ms < 3_000, `${ms} ms for 400 kB at 1 MB/s`);
});
