import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipleErrors, NetworkError, ResponseError, TimeoutError, protocolErrors } from '@platformatic/kafka';
import { classifyProduceFailure, PERMANENT_PRODUCE_ERRORS } from './produce-errors.ts';

const PRODUCE = 0;

/**
 * A failed send as @platformatic/kafka reports it: the produce response of one broker with an error per partition
 * (ResponseError, holding the response), inside the retry wrapper, inside the per-broker wrapper of the send.
 */
function failedSend(partitions: { topic: string; error: string | null }[], extra: Error[] = []): Error {
  const responses = [...new Set(partitions.map((p) => p.topic))].map((name) => ({
    name,
    partitionResponses: partitions
      .filter((p) => p.topic === name)
      .map((p, index) => ({ index, errorCode: p.error === null ? 0 : protocolErrors[p.error as keyof typeof protocolErrors]!.code })),
  }));
  const errors: Record<string, [number, string | null]> = {};
  responses.forEach((t, i) =>
    t.partitionResponses.forEach((p, j) => {
      if (p.errorCode !== 0) errors[`/responses/${i}/partition_responses/${j}`] = [p.errorCode, null];
    }),
  );
  // What KIP-467 adds for an invalid batch: a message per record, read by the client as UNKNOWN_SERVER_ERROR.
  if (partitions.some((p) => p.error === 'INVALID_RECORD')) errors['/responses/0/partition_responses/0/record_errors/0'] = [-1, 'record 0 has no key'];
  const response = new ResponseError(PRODUCE, 11, errors, { responses, throttleTimeMs: 0 });
  return new MultipleErrors('Producing messages failed.', [new MultipleErrors('Produce failed after 1 attempt', [response]), ...extra]);
}

test('classifyProduceFailure: too large, on the topic whose partition refused it; the raw topic that took its batch is not named', () => {
  for (const id of ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']) {
    const f = classifyProduceFailure(
      failedSend([
        { topic: 'raw', error: null },
        { topic: 'events', error: id },
        { topic: 'events', error: null },
      ]),
    );
    assert.deepEqual(f, { kind: 'too_large', apiIds: [id], topics: ['events'] });
  }
});

test('classifyProduceFailure: records the broker refuses as they are are invalid, per-record messages (KIP-467) notwithstanding', () => {
  for (const id of PERMANENT_PRODUCE_ERRORS.invalid) {
    const f = classifyProduceFailure(failedSend([{ topic: 'raw', error: id }]));
    assert.equal(f.kind, 'invalid', id);
    assert.deepEqual(f.topics, ['raw'], id);
  }
});

test('classifyProduceFailure: a missing grant is not_authorized, whatever else went wrong (retrying cannot help before the grant)', () => {
  for (const id of PERMANENT_PRODUCE_ERRORS.not_authorized) {
    assert.equal(classifyProduceFailure(failedSend([{ topic: 'raw', error: id }])).kind, 'not_authorized', id);
  }
  const mixed = failedSend([{ topic: 'raw', error: 'TOPIC_AUTHORIZATION_FAILED' }], [new TimeoutError('Request timed out')]);
  assert.deepEqual(classifyProduceFailure(mixed), { kind: 'not_authorized', apiIds: ['TOPIC_AUTHORIZATION_FAILED'], topics: ['raw'] });
});

test('classifyProduceFailure: anything the broker may take later is transient, also beside a permanent error on another partition', () => {
  for (const id of [
    'NOT_ENOUGH_REPLICAS',
    'NOT_LEADER_OR_FOLLOWER',
    'REQUEST_TIMED_OUT',
    'UNKNOWN_TOPIC_OR_PARTITION',
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    'KAFKA_STORAGE_ERROR',
  ]) {
    assert.equal(classifyProduceFailure(failedSend([{ topic: 'events', error: id }])).kind, 'transient', id);
  }
  const mixed = failedSend([
    { topic: 'raw', error: 'NOT_ENOUGH_REPLICAS' },
    { topic: 'events', error: 'MESSAGE_TOO_LARGE' },
  ]);
  assert.deepEqual(classifyProduceFailure(mixed), { kind: 'transient', apiIds: ['MESSAGE_TOO_LARGE', 'NOT_ENOUGH_REPLICAS'], topics: [] });
  // A too-large batch on one broker while another broker's request timed out: the send may still be taken.
  assert.equal(
    classifyProduceFailure(failedSend([{ topic: 'events', error: 'MESSAGE_TOO_LARGE' }], [new TimeoutError('Request timed out')])).kind,
    'transient',
  );
  for (const err of [new NetworkError('Connection closed'), new TimeoutError('Request timed out'), new Error('boom'), 'a string', undefined]) {
    assert.deepEqual(classifyProduceFailure(err), { kind: 'transient', apiIds: [], topics: [] });
  }
});

test('classifyProduceFailure: too_large before invalid when one send holds both', () => {
  const f = classifyProduceFailure(
    failedSend([
      { topic: 'raw', error: 'INVALID_RECORD' },
      { topic: 'events', error: 'MESSAGE_TOO_LARGE' },
    ]),
  );
  assert.deepEqual(f, { kind: 'too_large', apiIds: ['INVALID_RECORD', 'MESSAGE_TOO_LARGE'], topics: ['events'] });
});
