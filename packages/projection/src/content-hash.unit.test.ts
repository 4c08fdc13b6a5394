import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash } from './content-hash.ts';

test('contentHash: _id and _h do not count; key order and every value do; a Date hashes as its ISO string; bigints as themselves', () => {
  const doc = { _id: 'a', x: 1, y: 'two' };
  assert.equal(contentHash(doc), contentHash({ ...doc, _id: 'b', _h: 'token' }));
  assert.notEqual(contentHash(doc), contentHash({ _id: 'a', y: 'two', x: 1 }), 'key order is part of the content (documents are built by pure functions)');
  assert.notEqual(contentHash(doc), contentHash({ ...doc, x: 2 }));
  const at = new Date('2026-12-05T12:00:00.000Z');
  assert.equal(contentHash({ at }), contentHash({ at: at.toISOString() }));
  assert.notEqual(contentHash({ n: 1n }), contentHash({ n: 1 }));
  assert.match(contentHash(doc), /^[A-Za-z0-9_-]{22}$/);
});

test('contentHash: a string with a lone surrogate hashes as the store gives it back (U+FFFD), so a re-folded document is unchanged', () => {
  assert.equal(contentHash({ text: 'a\ud800b', list: ['\udc00'] }), contentHash({ text: 'a\ufffdb', list: ['\ufffd'] }));
  assert.notEqual(contentHash({ text: '\ud83d\ude00' }), contentHash({ text: '\ufffd\ufffd' }), 'a pair is a character, kept');
});
