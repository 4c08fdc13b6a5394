import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent } from '@wabus/events';
import type { LedgerAction } from './action-ledger.ts';
import { parseDeadLetter, type DeadLetter } from './dead-letters.ts';
import { OpsError } from './errors.ts';
import { matchDeadLetters, parseOffsetRef, selectDeadLetters } from './select-dead-letters.ts';
import { summarizeDeadLetters } from './summarize-dead-letters.ts';
import { deadLetterRecord, eventHeaders, testEvent } from './test-dead-letter.test-support.ts';

function letter(dlqTopic: string, offset: number, code: string): DeadLetter {
  const e = testEvent(`wamid.${dlqTopic}.${offset}`);
  return parseDeadLetter(deadLetterRecord({ dlqTopic, offset, value: encodeEvent(e), headers: eventHeaders(e), code }));
}
const entries = [
  letter('dlq.a', 0, 'WABUS_EVENT_REJECTED'),
  letter('dlq.a', 1, 'WABUS_EVENTS_BAD_MAGIC'),
  letter('dlq.a', 2, 'WABUS_EVENT_REJECTED'),
  letter('dlq.b', 0, 'CRM_4XX'),
];
const at = '2025-01-01T00:00:00.000Z';
const ledger = new Map<string, LedgerAction>([
  ['dlq.a/0/0', { action: 'redriven', at, by: 'ana' }],
  ['dlq.a/0/1', { action: 'discarded', at, by: 'ana', reason: 'garbage' }],
]);

test('offsets are N or P/N; anything else is WABUS_OPS_BAD_OFFSET', () => {
  assert.deepEqual(parseOffsetRef('12'), { partition: null, offset: '12' });
  assert.deepEqual(parseOffsetRef('0/007'), { partition: 0, offset: '7' });
  for (const bad of ['', '-1', '1.5', 'a', '1/2/3', '/4', '0x10'])
    assert.throws(
      () => parseOffsetRef(bad),
      (e) => OpsError.is(e, 'WABUS_OPS_BAD_OFFSET'),
      bad,
    );
});

test('given no selector, then the operation is refused: acting on everything must say --all', () => {
  assert.throws(
    () => matchDeadLetters(entries, {}),
    (e) => OpsError.is(e, 'WABUS_OPS_SELECTOR_REQUIRED'),
  );
  assert.equal(matchDeadLetters(entries, { all: true }).length, 4);
});

test('filters combine: code and offset; an offset not in the topic, or nothing matching, is WABUS_OPS_NO_MATCH', () => {
  const a = entries.filter((e) => e.dlqTopic === 'dlq.a');
  assert.deepEqual(
    matchDeadLetters(a, { code: 'WABUS_EVENT_REJECTED' }).map((e) => e.id),
    ['dlq.a/0/0', 'dlq.a/0/2'],
  );
  assert.deepEqual(
    matchDeadLetters(a, { code: 'WABUS_EVENT_REJECTED', offsets: [parseOffsetRef('2')] }).map((e) => e.id),
    ['dlq.a/0/2'],
  );
  assert.deepEqual(
    matchDeadLetters(a, { eventId: a[1]!.eventId! }).map((e) => e.id),
    ['dlq.a/0/1'],
  );
  assert.throws(
    () => matchDeadLetters(a, { offsets: [parseOffsetRef('2'), parseOffsetRef('9')] }),
    (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH') && /offset 9/.test(e.message),
  );
  assert.throws(
    () => matchDeadLetters(a, { offsets: [parseOffsetRef('1/2')] }),
    (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH'),
  );
  assert.throws(
    () => matchDeadLetters(a, { code: 'NOPE' }),
    (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH') && /code NOPE/.test(e.message),
  );
  assert.throws(
    () => matchDeadLetters([], { all: true }),
    (e) => OpsError.is(e, 'WABUS_OPS_NO_MATCH') && /empty/.test(e.message),
  );
});

test('given entries already acted upon, then only pending ones are chosen unless the caller allows more (redrive --again)', () => {
  const a = entries.filter((e) => e.dlqTopic === 'dlq.a');
  const pendingOnly = selectDeadLetters(a, ledger, { all: true }, (s) => s === 'pending');
  assert.deepEqual(
    pendingOnly.chosen.map((e) => e.id),
    ['dlq.a/0/2'],
  );
  assert.deepEqual(
    pendingOnly.skipped.map((s) => [s.entry.id, s.status]),
    [
      ['dlq.a/0/0', 'redriven'],
      ['dlq.a/0/1', 'discarded'],
    ],
  );
  const again = selectDeadLetters(a, ledger, { all: true }, () => true);
  assert.deepEqual(
    again.chosen.map((e) => e.id),
    ['dlq.a/0/0', 'dlq.a/0/1', 'dlq.a/0/2'],
  );
  assert.equal(again.skipped.length, 0);
});

test('given entries of two consumers, then the summary counts per consumer and code, most frequent code first, empty consumers included', () => {
  const s = summarizeDeadLetters(
    [
      { consumer: 'a', dlqTopic: 'dlq.a' },
      { consumer: 'b', dlqTopic: 'dlq.b' },
      { consumer: 'c', dlqTopic: 'dlq.c' },
    ],
    entries,
    ledger,
  );
  assert.deepEqual(s, [
    {
      consumer: 'a',
      dlqTopic: 'dlq.a',
      total: 3,
      pending: 1,
      redriven: 1,
      discarded: 1,
      codes: [
        { code: 'WABUS_EVENT_REJECTED', total: 2, pending: 1, redriven: 1, discarded: 0 },
        { code: 'WABUS_EVENTS_BAD_MAGIC', total: 1, pending: 0, redriven: 0, discarded: 1 },
      ],
    },
    {
      consumer: 'b',
      dlqTopic: 'dlq.b',
      total: 1,
      pending: 1,
      redriven: 0,
      discarded: 0,
      codes: [{ code: 'CRM_4XX', total: 1, pending: 1, redriven: 0, discarded: 0 }],
    },
    { consumer: 'c', dlqTopic: 'dlq.c', total: 0, pending: 0, redriven: 0, discarded: 0, codes: [] },
  ]);
});
