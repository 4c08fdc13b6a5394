import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explodeWebhook } from '@wabus/events';
import { readMediaReference, sha256Hex } from './media-reference.ts';
import { mediaBody } from '@wabus/testing';
import { readLookupAnswer } from './graph-media.ts';

const HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const B64 = Buffer.from(HEX, 'hex').toString('base64');
const eventOf = (body: Buffer) => {
  const r = explodeWebhook(body, { receivedAt: 1_700_000_000_000 });
  assert.ok(r.ok && r.events.length === 1);
  return r.events[0]!;
};

test('given a sha256 as Meta sends it (base64 in webhooks, hex in lookups), then lowercase hex; anything else, null', () => {
  assert.equal(sha256Hex(HEX), HEX);
  assert.equal(sha256Hex(HEX.toUpperCase()), HEX);
  assert.equal(sha256Hex(B64), HEX);
  assert.equal(sha256Hex(B64.replaceAll('+', '-').replaceAll('/', '_')), HEX, 'base64url');
  assert.equal(sha256Hex('abc'), null);
  assert.equal(sha256Hex(Buffer.alloc(31).toString('base64')), null);
});

test('given media messages and echoes of every media type, then their reference; given other messages, none', () => {
  for (const type of ['image', 'video', 'audio', 'document', 'sticker']) {
    const r = readMediaReference(eventOf(mediaBody({ mediaId: `id-${type}`, sha256: B64, type, wamid: 'wamid.X', timestamp: 1_699_999_999 })));
    assert.equal(r.kind, 'media', type);
    if (r.kind !== 'media') continue;
    assert.deepEqual(
      { id: r.media.mediaId, type: r.media.type, sha: r.media.sha256, msg: r.media.messageId, ts: r.media.metaTimestamp, phone: r.media.phoneNumberId },
      { id: `id-${type}`, type, sha: HEX, msg: 'wamid.X', ts: 1_699_999_999, phone: '106540352242922' },
    );
  }
  const echo = readMediaReference(eventOf(mediaBody({ mediaId: 'echoed', sha256: HEX, echo: true })));
  assert.equal(echo.kind === 'media' && echo.media.mediaId, 'echoed');
  const text = Buffer.from(
    mediaBody({ mediaId: 'x', sha256: HEX })
      .toString()
      .replace(/"type":"document","document":\{[^}]*\}/, '"type":"text","text":{"body":"hi"}'),
  );
  assert.deepEqual(readMediaReference(eventOf(text)), { kind: 'none' });
});

test('given a media message without a media id, or with a malformed sha256, then invalid with the reason', () => {
  const noId = readMediaReference(eventOf(Buffer.from(mediaBody({ mediaId: 'REMOVE', sha256: HEX }).toString().replace('"id":"REMOVE",', ''))));
  assert.equal(noId.kind, 'invalid');
  assert.match((noId as { reason: string }).reason, /has no media id/);
  const badSha = readMediaReference(eventOf(mediaBody({ mediaId: 'm', sha256: 'not-a-hash' })));
  assert.equal(badSha.kind, 'invalid');
  assert.match((badSha as { reason: string }).reason, /neither hex nor base64/);
});

test("given lookup answers, then the URL and facts, Meta's error code, or a transient oddity", () => {
  assert.deepEqual(readLookupAnswer(200, JSON.stringify({ url: 'https://x/y', mime_type: 'image/png', sha256: HEX, file_size: 12, id: 'm' })), {
    ok: true,
    media: { url: 'https://x/y', mimeType: 'image/png', sha256: HEX, size: 12 },
  });
  assert.deepEqual(readLookupAnswer(404, JSON.stringify({ error: { code: 100, message: 'does not exist' } })), {
    ok: false,
    failure: { kind: 'permanent', code: 100, httpStatus: 404, message: 'does not exist' },
  });
  assert.equal((readLookupAnswer(502, '<html>bad gateway</html>') as { failure: { kind: string; code: unknown } }).failure.code, 'http_502');
  assert.equal((readLookupAnswer(200, '{}') as { failure: { kind: string } }).failure.kind, 'transient');
  assert.equal((readLookupAnswer(200, 'nope') as { failure: { code: string } }).failure.code, 'unreadable_answer');
});

test('given a media id that is not a Graph id (it would change the lookup path), then invalid, never looked up', () => {
  for (const mediaId of ['..', '.', 'a/b', '../me', '1%2F2', 'x'.repeat(257), 'id with space']) {
    const r = readMediaReference(eventOf(mediaBody({ mediaId, sha256: HEX })));
    assert.equal(r.kind, 'invalid', mediaId);
    assert.match(r.kind === 'invalid' ? r.reason : '', /is not a Graph id/);
  }
  assert.equal(readMediaReference(eventOf(mediaBody({ mediaId: '1234567890123456', sha256: HEX }))).kind, 'media');
});
