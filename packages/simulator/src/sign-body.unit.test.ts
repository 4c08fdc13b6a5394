import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signBody } from './sign-body.ts';
import { serializeLikeMeta } from './meta-json.ts';

test('given a body and secret, then the header is sha256= plus lowercase hex HMAC of the exact bytes', () => {
  const body = serializeLikeMeta({ text: 'olá 😀 a/b' });
  const secret = 'app-secret-ü';
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  assert.equal(signBody(body, secret), `sha256=${expected}`);
  assert.match(signBody(body, secret), /^sha256=[0-9a-f]{64}$/);
});

test('given the same value re-serialised by JSON.stringify, then the signature differs (why raw bytes matter)', () => {
  const value = { text: 'café' };
  assert.notEqual(signBody(serializeLikeMeta(value), 's'), signBody(Buffer.from(JSON.stringify(value)), 's'));
});
