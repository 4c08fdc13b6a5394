import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor } from './cursor.ts';

test('cursor: round-trips a time and an id, and a null time', () => {
  for (const c of [
    { t: 1_700_000_000_000, id: '106540352242922:16315551181' },
    { t: null, id: 'wamid.HBgL' },
  ]) {
    const text = encodeCursor(c);
    assert.match(text, /^[A-Za-z0-9_-]+$/, 'opaque base64url');
    assert.deepEqual(decodeCursor(text), c);
  }
});

test('cursor: anything else is WABUS_MESSAGE_STORE_BAD_CURSOR', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  for (const bad of [
    '',
    'not base64!',
    Buffer.from('{').toString('base64url'),
    b64([1]),
    b64(['x', 'y']),
    b64([1.5, 'y']),
    b64([1, 2]),
    b64({ t: 1, id: 'x' }),
  ]) {
    assert.throws(() => decodeCursor(bad), { code: 'WABUS_MESSAGE_STORE_BAD_CURSOR' }, JSON.stringify(bad));
  }
});
