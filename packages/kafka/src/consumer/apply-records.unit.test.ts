import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRecords } from './apply-records.ts';
import { EventRejectedError } from './classify-error.ts';
import type { BatchOutcome, ConsumedRecord } from './consumer-types.ts';

const records = (n: number): ConsumedRecord<{ bad: boolean }>[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: 't',
    partition: 0,
    offset: String(i),
    key: null,
    headers: {},
    timestamp: '0',
    value: Buffer.alloc(0),
    event: { bad: i === 2 || i === 5 },
  }));

test('given a handler that throws a permanent error for any call holding a bad record, when a chunk is applied, then it is halved until exactly the bad records are rejected', async () => {
  const calls: string[][] = [];
  const applied = await applyRecords(records(8), async (batch) => {
    calls.push(batch.map((r) => r.offset));
    if (batch.some((r) => r.event.bad)) throw new EventRejectedError('bad');
    return { duplicateOffsets: batch.filter((r) => r.offset === '0').map((r) => r.offset) };
  });
  assert.deepEqual(
    applied.rejected.map((r) => [r.record.offset, r.error.message]),
    [
      ['2', 'bad'],
      ['5', 'bad'],
    ],
  );
  assert.deepEqual(applied.duplicateOffsets, ['0']);
  assert.equal(applied.duplicates, 1);
  assert.deepEqual(calls[0], ['0', '1', '2', '3', '4', '5', '6', '7']);
  const good = calls
    .filter((c) => !c.includes('2') && !c.includes('5'))
    .flat()
    .sort();
  assert.deepEqual(good, ['0', '1', '3', '4', '6', '7'], 'every good record applied once, in some call without a bad one');
});

test('given a handler reporting outcomes, when they are combined, then counts add up, offsets only while every part gave them, and an offset outside the call is an error', async () => {
  let n = 0;
  const applied = await applyRecords(records(4), async (batch): Promise<BatchOutcome> => {
    if (batch.length === 4) throw new EventRejectedError('somewhere');
    return n++ === 0 ? { duplicates: 2 } : { duplicateOffsets: ['3'], rejected: [{ offset: '2', error: new Error('invalid') }] };
  });
  assert.deepEqual([applied.duplicates, applied.duplicateOffsets], [3, null]);
  assert.deepEqual(
    applied.rejected.map((r) => r.record.offset),
    ['2'],
  );
  await assert.rejects(
    applyRecords(records(2), async () => ({ rejected: [{ offset: '9', error: new Error('x') }] })),
    /handler rejected offset 9, which is not in the batch/,
  );
  await assert.rejects(
    applyRecords(records(2), async () => {
      throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    }),
    { code: 'ECONNREFUSED' },
    'a transient error is thrown whole, for the retry',
  );
  assert.deepEqual(await applyRecords(records(0), async () => assert.fail('no call for no records')), { rejected: [], duplicates: 0, duplicateOffsets: [] });
});
