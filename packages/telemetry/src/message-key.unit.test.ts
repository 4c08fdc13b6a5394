import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spanMessageKey } from './message-key.ts';

test('given a conversation key, then the customer number is masked to its last four digits and the business number kept', () => {
  assert.equal(spanMessageKey('106540352242922:4915112345678'), '106540352242922:*********5678');
  assert.equal(spanMessageKey('106540352242922:34600111222'), '106540352242922:*******1222');
});

test('given a customer id of four characters or fewer, then all of it is masked', () => {
  assert.equal(spanMessageKey('1065:1234'), '1065:****');
  assert.equal(spanMessageKey('1065:'), '1065:');
});

test('given a business-scoped user id instead of a phone number, then it is masked the same way', () => {
  assert.equal(spanMessageKey('1065:US.13491208655302741918'), `1065:${'*'.repeat(19)}1918`);
});

test('given a key naming the business only (phone number id or WABA id), then it is kept', () => {
  assert.equal(spanMessageKey('106540352242922'), '106540352242922');
  assert.equal(spanMessageKey('102290129340398'), '102290129340398');
});
