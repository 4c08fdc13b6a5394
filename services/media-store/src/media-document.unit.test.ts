import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideFetch, MEDIA_LIFETIME_MS } from './decide-fetch.ts';
import { evolveMedia, MAX_MESSAGE_IDS, type MediaDocument, type MediaFact, type StoredObject } from './media-document.ts';
import type { MediaReference } from './media-reference.ts';

const ref = (o: Partial<MediaReference> = {}): MediaReference => ({
  mediaId: 'm1',
  type: 'image',
  sha256: 'a'.repeat(64),
  mimeType: 'image/jpeg',
  filename: null,
  messageId: 'wamid.1',
  tenantId: 'acme',
  phoneNumberId: '1065',
  wabaId: '1022',
  metaTimestamp: 1_700_000_000,
  receivedAt: 1_700_000_001_000,
  ...o,
});
const seen = (o: Partial<MediaReference> = {}): MediaFact => ({ type: 'MediaReferenced', media: ref(o) });
const object: StoredObject = { backend: 'fs', key: 'objects/aa/aaa', sha256: 'a'.repeat(64), size: 10, mimeType: 'image/jpeg', storedAt: 5 };
const error = { code: 100, httpStatus: 404, message: 'gone', at: 6 };
const fold = (facts: MediaFact[]) => facts.reduce<MediaDocument | null>(evolveMedia, null)!;

test('given a first message with media, then a pending document; given it again, then the same document (idempotent)', () => {
  const once = fold([seen()]);
  assert.equal(once.state, 'pending');
  assert.deepEqual(once.messageIds, ['wamid.1']);
  assert.equal(once.attempts, 0);
  assert.deepEqual(fold([seen(), seen()]), once);
});

test('given more messages with the same media, then their ids are kept (at most MAX_MESSAGE_IDS) and the earliest times win', () => {
  const d = fold([
    seen(),
    seen({ messageId: 'wamid.2', metaTimestamp: 1_699_999_000, receivedAt: 1_600_000_000_000 }),
    seen({ messageId: 'wamid.3', metaTimestamp: 1_800_000_000 }),
  ]);
  assert.deepEqual(d.messageIds, ['wamid.1', 'wamid.2', 'wamid.3']);
  assert.equal(d.metaTimestamp, 1_699_999_000);
  assert.equal(d.firstReceivedAt, 1_600_000_000_000);
  const many = fold(Array.from({ length: MAX_MESSAGE_IDS + 5 }, (_, i) => seen({ messageId: `wamid.${i}` })));
  assert.equal(many.messageIds.length, MAX_MESSAGE_IDS);
});

test('given fetch outcomes, then pending → stored or unavailable; stored stays stored; a re-drive can store an unavailable one; abandoned stays pending', () => {
  const stored = fold([seen(), { type: 'MediaStored', object, attempts: 2 }]);
  assert.deepEqual([stored.state, stored.stored, stored.attempts], ['stored', object, 2]);
  assert.deepEqual(evolveMedia(stored, { type: 'MediaUnavailable', error, attempts: 1 }), stored, 'a late failure cannot undo the bytes');
  assert.deepEqual(evolveMedia(stored, { type: 'MediaStored', object: { ...object, storedAt: 9 }, attempts: 1 }), stored);
  const gone = fold([seen(), { type: 'MediaUnavailable', error, attempts: 1 }]);
  assert.deepEqual([gone.state, gone.unavailable, gone.lastError], ['unavailable', error, error]);
  assert.equal(evolveMedia(gone, { type: 'MediaStored', object, attempts: 1 }).state, 'stored');
  const waiting = fold([seen(), { type: 'FetchAbandoned', error: { ...error, code: 'http_503' }, attempts: 8 }]);
  assert.deepEqual([waiting.state, waiting.attempts, waiting.lastError?.code], ['pending', 8, 'http_503']);
  assert.throws(() => evolveMedia(null, { type: 'MediaStored', object, attempts: 1 }));
});

test('given a document, then only a pending one that a live record names, and that Meta still keeps, is fetched', () => {
  const now = 1_700_000_000_000 + 60_000;
  const pending = fold([seen()]);
  assert.deepEqual(decideFetch(pending, { replay: false, now }), { fetch: true });
  assert.deepEqual(decideFetch(pending, { replay: true, now }), { fetch: false, skip: 'replay' });
  assert.deepEqual(decideFetch(fold([seen(), { type: 'MediaStored', object, attempts: 1 }]), { replay: false, now }), { fetch: false, skip: 'done' });
  assert.deepEqual(decideFetch(fold([seen(), { type: 'MediaUnavailable', error, attempts: 1 }]), { replay: false, now }), { fetch: false, skip: 'done' });
  assert.deepEqual(decideFetch(pending, { replay: false, now: 1_700_000_000_000 + MEDIA_LIFETIME_MS + 1 }), { fetch: false, skip: 'expired' });
  assert.deepEqual(
    decideFetch(pending, { replay: true, now: 1_700_000_000_000 + MEDIA_LIFETIME_MS + 1 }),
    { fetch: false, skip: 'expired' },
    'a replay settles it too',
  );
  assert.deepEqual(decideFetch(fold([seen({ metaTimestamp: null })]), { replay: false, now: 1_700_000_001_000 + MEDIA_LIFETIME_MS + 1 }), {
    fetch: false,
    skip: 'expired',
  });
});
