import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { deliveryIdOf, signedHeaders, verifySignature } from './sign-delivery.ts';

test('the delivery id is a function of (event, subscription) alone', () => {
  assert.equal(deliveryIdOf('e1', 's1'), deliveryIdOf('e1', 's1'));
  assert.notEqual(deliveryIdOf('e1', 's1'), deliveryIdOf('e1', 's2'));
  assert.notEqual(deliveryIdOf('e1', 's1'), deliveryIdOf('e2', 's1'));
  assert.match(deliveryIdOf('e', 's'), /^dlv_[0-9a-f]{32}$/);
});

test('the signature is HMAC-SHA256 over "<t>.<body>", checked within a tolerance, and fails on any change', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = '{"id":"dlv_1","n":12345678901234567890}';
  const now = 1_780_000_000_123;
  const h = signedHeaders({ secret, deliveryId: 'dlv_1', body, now });
  const t = Math.floor(now / 1000);
  assert.equal(h['x-wabus-signature'], `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
  assert.equal(h['x-wabus-delivery-id'], 'dlv_1');
  const sig = h['x-wabus-signature']!;
  assert.equal(verifySignature({ secret, header: sig, body, now }), true);
  assert.equal(verifySignature({ secret, header: sig, body: body.replace('1', '2'), now }), false, 'body changed');
  assert.equal(verifySignature({ secret: `${secret}x`, header: sig, body, now }), false, 'other secret');
  assert.equal(verifySignature({ secret, header: sig.replace(`t=${t}`, `t=${t + 1}`), body, now }), false, 'timestamp changed');
  assert.equal(verifySignature({ secret, header: sig, body, now: now + 301_000 }), false, 'too old: a replayed request');
  assert.equal(verifySignature({ secret, header: 'garbage', body, now }), false);
});
