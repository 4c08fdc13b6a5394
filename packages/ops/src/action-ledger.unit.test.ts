import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldLedger, ledgerMessage, parseLedgerValue, statusOf, type LedgerAction } from './action-ledger.ts';
import type { LogRecord } from './scan-topics.ts';

const rec = (offset: number, key: string | null, value: Buffer | string | null): LogRecord => ({
  topic: 'actions',
  partition: 0,
  offset: String(offset),
  key,
  value: typeof value === 'string' ? Buffer.from(value) : value,
  headers: {},
  rawHeaders: {},
  timestamp: '0',
});
const redriven: LedgerAction = { action: 'redriven', at: '2025-01-01T00:00:00.000Z', by: 'ana', redriveTopic: 'r', redrivePartition: 1, redriveOffset: '9' };
const discarded: LedgerAction = { action: 'discarded', at: '2025-01-02T00:00:00.000Z', by: 'bo', reason: 'test traffic' };

test('given a ledger message, then its value parses back to the same action', () => {
  for (const a of [redriven, discarded]) {
    const m = ledgerMessage('dlq/0/1', a);
    assert.equal(m.key, 'dlq/0/1');
    assert.deepEqual(parseLedgerValue(Buffer.from(String(m.value))), a);
  }
});

test('given several actions on one entry, then the latest counts; a tombstone forgets it; unreadable records are counted, not guessed', () => {
  const { ledger, unreadable } = foldLedger([
    rec(0, 'dlq/0/1', JSON.stringify(redriven)),
    rec(1, 'dlq/0/1', JSON.stringify(discarded)),
    rec(2, 'dlq/0/2', JSON.stringify(redriven)),
    rec(3, 'dlq/0/2', null),
    rec(4, 'dlq/0/3', '{"action":"exploded","at":"x","by":"y"}'),
    rec(5, 'dlq/0/4', 'not json'),
    rec(6, null, JSON.stringify(redriven)),
  ]);
  assert.deepEqual(ledger.get('dlq/0/1'), discarded);
  assert.equal(statusOf(ledger, 'dlq/0/1'), 'discarded');
  assert.equal(statusOf(ledger, 'dlq/0/2'), 'pending');
  assert.equal(statusOf(ledger, 'dlq/0/3'), 'pending');
  assert.equal(unreadable, 3);
});
