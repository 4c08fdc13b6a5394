import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbStatementShape } from './db-statement-shape.ts';

test('given a write command with documents, then only top-level keys and array sizes remain', () => {
  const shape = dbStatementShape({ update: 'messages', updates: [{ q: { _id: 'wamid.X' }, u: { text: 'hello there' } }, {}], ordered: false });
  assert.equal(shape, '{"update":"?","updates":"[2]","ordered":"?"}');
  assert.ok(!shape.includes('hello') && !shape.includes('wamid'));
});

test('given an inserted document, then no value of it is kept', () => {
  assert.equal(dbStatementShape({ _id: '4915112345678', body: { text: 'secret plans' } }), '{"_id":"?","body":"?"}');
});
