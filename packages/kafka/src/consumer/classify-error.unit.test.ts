import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGenerationOver, isPermanent } from './classify-error.ts';

test('isGenerationOver: the coordinator saying the member or its generation is gone, also wrapped by kafkajs', () => {
  for (const type of ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']) {
    const protocol = Object.assign(new Error('The coordinator is not aware of this member'), { type, retriable: false });
    assert.equal(isGenerationOver(protocol), true, type);
    // What consumer.commitOffsets throws once its retrier gives up: KafkaJSNonRetriableError with the protocol error as cause.
    assert.equal(isGenerationOver(Object.assign(new Error(protocol.message), { name: 'KafkaJSNonRetriableError', cause: protocol })), true, `${type} wrapped`);
    assert.equal(isPermanent(protocol), false, 'not a reason to dead-letter anything');
  }
  assert.equal(isGenerationOver(Object.assign(new Error('timeout'), { type: 'REQUEST_TIMED_OUT' })), false);
  assert.equal(isGenerationOver(new Error('connection closed')), false);
  assert.equal(isGenerationOver(null), false);
});
