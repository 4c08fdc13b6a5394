import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createSecretKey } from 'node:crypto';
import { verifySignature } from './signature.ts';

const secrets = [
  { label: 'a', secret: createSecretKey(Buffer.from('first')) },
  { label: 'b', secret: createSecretKey(Buffer.from('second')) },
];
const body = Buffer.from('{"x":"caf\\u00e9"}');
const hmac = (s: string, b: Buffer = body) => createHmac('sha256', s).update(b).digest('hex');

test('a signature by any configured secret verifies and names that secret', () => {
  assert.deepEqual(verifySignature(`sha256=${hmac('first')}`, body, secrets), { ok: true, secretLabel: 'a', secret: secrets[0] });
  assert.deepEqual(verifySignature(`sha256=${hmac('second')}`, body, secrets), { ok: true, secretLabel: 'b', secret: secrets[1] });
  assert.deepEqual(verifySignature(`sha256=${hmac('second').toUpperCase()}`, body, secrets), { ok: true, secretLabel: 'b', secret: secrets[1] });
});

test('missing, malformed and mismatching signatures are told apart', () => {
  assert.deepEqual(verifySignature(undefined, body, secrets), { ok: false, reason: 'missing' });
  assert.deepEqual(verifySignature('', body, secrets), { ok: false, reason: 'missing' });
  assert.deepEqual(verifySignature(['a', 'b'], body, secrets), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifySignature(`sha1=${hmac('first').slice(0, 40)}`, body, secrets), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifySignature(`sha256=${hmac('first')}00`, body, secrets), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifySignature(`sha256=${hmac('third')}`, body, secrets), { ok: false, reason: 'mismatch' });
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
  assert.deepEqual(verifySignature(`sha256=${hmac('first', reserialised)}`, body, secrets), { ok: false, reason: 'mismatch' });
});
