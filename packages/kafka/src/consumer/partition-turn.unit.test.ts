import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionTurn } from './partition-turn.ts';

const protocolError = (type: string) => Object.assign(new Error(type), { type });

test('a turn is over once a heartbeat says the generation is over; other heartbeat failures leave it alive', async () => {
  const answers: Array<Error | null> = [protocolError('REQUEST_TIMED_OUT'), null, protocolError('UNKNOWN_MEMBER_ID')];
  const turn = partitionTurn(
    2,
    {
      heartbeat: async () => {
        const a = answers.shift();
        if (a) throw a;
      },
      isRunning: () => true,
      isStale: () => false,
    },
    () => false,
  );
  assert.equal(turn.partition, 2);
  await turn.heartbeat(); // a timeout: never thrown, still ours
  assert.equal(turn.alive(), true);
  await turn.heartbeat();
  assert.equal(turn.alive(), true);
  await turn.heartbeat(); // "the coordinator is not aware of this member"
  assert.equal(turn.alive(), false);
});

test('a generation-over error wrapped by kafkajs (cause) counts as well; stopping, stale and not running end a turn too', async () => {
  const wrapped = Object.assign(new Error('gave up'), { cause: protocolError('REBALANCE_IN_PROGRESS') });
  const t1 = partitionTurn(0, { heartbeat: () => Promise.reject(wrapped), isRunning: () => true, isStale: () => false }, () => false);
  await t1.heartbeat();
  assert.equal(t1.alive(), false);
  const ok = { heartbeat: async () => undefined, isRunning: () => true, isStale: () => false };
  assert.equal(partitionTurn(0, ok, () => true).alive(), false, 'stopping');
  assert.equal(partitionTurn(0, { ...ok, isStale: () => true }, () => false).alive(), false, 'stale');
  assert.equal(partitionTurn(0, { ...ok, isRunning: () => false }, () => false).alive(), false, 'not running');
  assert.equal(partitionTurn(0, ok, () => false).alive(), true);
});
