import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLog } from '../client.ts';
import type { PartitionState } from './consumer-types.ts';
import { activeMark, belowFrontier, chunkReplay, createReplayMarks, replayDecision, type CommittedOffset } from './replay-frontier.ts';
import { formatReplayMark, parseReplayMark, type ReplayMark } from './replay-mark.ts';

/** Records at these offsets, keys a, b, c in turn (offset % 3). */
const records = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ offset: String(from + i), key: Buffer.from('abc'[(from + i) % 3]!) }));

test('given a mark, when a record is below the frontier, then it is replayed unless outside until or keys; at or past the frontier it is live', () => {
  const mark: ReplayMark = { id: 'r', frontier: 20n, until: 10n, keys: ['a'] };
  assert.equal(replayDecision(mark, 3n, 'a'), 'replay');
  assert.equal(replayDecision(mark, 3n, 'b'), 'skip', 'other key');
  assert.equal(replayDecision(mark, 3n, null), 'skip', 'no key is no listed key');
  assert.equal(replayDecision(mark, 10n, 'a'), 'skip', '[until, frontier)');
  assert.equal(replayDecision(mark, 20n, 'b'), 'live');
  assert.equal(replayDecision(null, 3n, 'b'), 'live');
  assert.equal(replayDecision({ id: 'r', frontier: 20n }, 19n, null), 'replay', 'no until or keys: everything below the frontier');
});

test("given committed offsets, when the offset is below its mark's frontier, then the partition is under it; at the frontier, or without a mark, it is live", () => {
  const metadata = formatReplayMark({ id: 'r', frontier: 30n });
  assert.deepEqual(activeMark('3', metadata), { id: 'r', frontier: 30n });
  assert.equal(activeMark('30', metadata), null, 'a commit at the frontier is past the replay');
  assert.equal(activeMark('3', null), null);
  assert.equal(activeMark('3', 'written by another tool'), null);
  assert.deepEqual(activeMark('-1', metadata), { id: 'r', frontier: 30n }, 'no commit yet (a seeded shadow group)');
});

test('given a live partition, when a chunk is planned, then everything is applied without a header and committed without a mark', () => {
  const chunk = records(0, 4);
  const plan = chunkReplay(null, chunk, 4n);
  assert.deepEqual(plan.apply, chunk);
  assert.deepEqual([plan.replayed, plan.skipped, plan.metadata, plan.ends], [0, 0, null, false]);
  assert.equal(plan.header('0'), null);
});

test('given a replay of key a in [0, 6) with frontier 10, when chunks go through it, then they apply key a with the header, commit the mark inside and drop it at the frontier', () => {
  const mark: ReplayMark = { id: 'fix-1', frontier: 10n, until: 6n, keys: ['a'] };
  const first = chunkReplay(mark, records(0, 4), 4n);
  assert.deepEqual(
    first.apply.map((r) => r.offset),
    ['0', '3'],
    'key a',
  );
  assert.deepEqual([first.replayed, first.skipped], [2, 2]);
  assert.equal(first.header('3'), 'fix-1');
  assert.equal(first.header('1'), null, 'passed over: no header');
  assert.deepEqual(parseReplayMark(first.metadata), mark, 'inside the replay the commit carries the mark');
  assert.equal(first.ends, false);

  const last = chunkReplay(mark, records(4, 12), 12n);
  assert.deepEqual(
    last.apply.map((r) => r.offset),
    ['10', '11'],
    'offsets 4..9 passed over (6 and 9 are key a, but at or past until)',
  );
  assert.deepEqual([last.replayed, last.skipped], [0, 6]);
  assert.equal(last.header('10'), null, 'past the frontier: live');
  assert.equal(last.metadata, null, 'past the frontier the commit carries no mark');
  assert.equal(last.ends, true);

  const exactly = chunkReplay(mark, records(8, 10), 10n);
  assert.deepEqual([exactly.metadata, exactly.ends], [null, true], 'a commit of the frontier itself ends the replay');
});

test('given a replay with effects, when its records are applied, then they carry no header (outside effects happen again)', () => {
  const plan = chunkReplay({ id: 'loud', frontier: 12n, effects: true }, records(10, 12), 12n);
  assert.deepEqual(
    plan.apply.map((r) => r.offset),
    ['10', '11'],
  );
  assert.equal(plan.replayed, 2);
  assert.equal(plan.header('10'), null);
});

test('given a shadow (replay-only) batch, when it reaches the frontier, then only the records below it are applied and the partition is held', () => {
  const mark: ReplayMark = { id: 'shadow', frontier: 6n };
  const inside = belowFrontier(mark, records(2, 5));
  assert.deepEqual([inside.messages.length, inside.atFrontier], [3, false]);
  const across = belowFrontier(mark, records(4, 9));
  assert.deepEqual(
    across.messages.map((r) => r.offset),
    ['4', '5'],
  );
  assert.equal(across.atFrontier, true);
  assert.deepEqual(belowFrontier(mark, records(6, 9)), { messages: [], atFrontier: true });
  assert.deepEqual(belowFrontier(null, records(0, 3)), { messages: [], atFrontier: true }, 'no mark: nothing to replay');
});

test("given the group's commits, when marks are asked for, then they are read once per generation, shown in the status, and dropped when a partition ends its replay", async () => {
  let reads = 0;
  let commits: CommittedOffset[] = [
    { partition: 0, offset: '2', metadata: formatReplayMark({ id: 'r', frontier: 6n, keys: ['a', 'b'] }) },
    { partition: 1, offset: '9', metadata: formatReplayMark({ id: 'r', frontier: 9n }) },
  ];
  const states = new Map<number, PartitionState>();
  const stateOf = (p: number) => states.get(p) ?? states.set(p, { partition: p, paused: false }).get(p)!;
  const held: number[] = [];
  const marks = createReplayMarks({ committed: async () => (reads++, commits), stateOf, log: silentLog, groupId: 'g' });

  const mark = await marks.of(0);
  assert.deepEqual(mark, { id: 'r', frontier: 6n, keys: ['a', 'b'] });
  assert.equal(await marks.of(1), null, 'committed at its frontier: live');
  assert.equal(reads, 1, 'one read for the generation');
  assert.deepEqual(stateOf(0).replay, { id: 'r', frontier: '6', keys: 2, effects: false });
  assert.equal(stateOf(1).replay, undefined);

  await marks.ended(0, mark!);
  assert.equal(await marks.of(0), null);
  assert.equal(stateOf(0).replay, undefined);
  assert.equal(reads, 1);

  commits = [{ partition: 0, offset: '6', metadata: null }];
  marks.forget();
  assert.equal(await marks.of(0), null);
  assert.equal(reads, 2, 'a new generation reads again');

  marks.hold(0, () => held.push(0));
  assert.deepEqual([stateOf(0).replayDone, held], [true, [0]]);
});

test('given a failing read of the commits, when marks are asked for, then the error is thrown and the next ask reads again', async () => {
  let fail = true;
  const marks = createReplayMarks({
    committed: async () => {
      if (fail) throw Object.assign(new Error('coordinator not available'), { code: 'ECONNREFUSED' });
      return [{ partition: 0, offset: '0', metadata: formatReplayMark({ id: 'r', frontier: 1n }) }];
    },
    stateOf: () => ({ partition: 0, paused: false }),
    log: silentLog,
    groupId: 'g',
  });
  await assert.rejects(marks.of(0), { code: 'ECONNREFUSED' });
  fail = false;
  assert.deepEqual(await marks.of(0), { id: 'r', frontier: 1n });
});
