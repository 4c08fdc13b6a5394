import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventTopics, produceRecords, testEnv, uniqueName, waitUntil } from '@wabus/testing';
import { createKafka } from '../client.ts';
import { fetchGroupOffsets, setGroupOffsets } from '../group-offsets.ts';
import { KafkaError } from '../errors.ts';
import type { ConsumedRecord } from './consumer-types.ts';
import { formatReplayMark, parseReplayMark, REPLAY_HEADER } from './replay-mark.ts';
import { runConsumer, type RunConsumerOptions } from './run-consumer.ts';

interface Ev {
  key: string;
  seq: number;
}

/** One partition, so offsets are the sequence numbers: 0..n-1, keys a/b/c in turn. */
async function setup(t: import('node:test').TestContext, n: number) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'replay-test' });
  const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'rp.events', partitions: 1 });
  const keys = ['a', 'b', 'c'];
  await produceRecords(
    kafka,
    topic,
    Array.from({ length: n }, (_, seq) => ({ key: keys[seq % 3]!, value: Buffer.from(JSON.stringify({ key: keys[seq % 3], seq })) })),
  );
  const groupId = uniqueName('rp.group');
  const seen: { seq: number; replay: string | undefined }[] = [];
  const run = async (extra: Partial<RunConsumerOptions<Ev>> = {}) => {
    const rt = await runConsumer<Ev>({
      kafka,
      groupId,
      topic,
      dlqTopic,
      maxBatchRecords: 4,
      decode: (v) => JSON.parse(v.toString('utf8')) as Ev,
      handleBatch: async (records: ConsumedRecord<Ev>[]) => {
        for (const r of records) seen.push({ seq: r.event.seq, replay: r.headers[REPLAY_HEADER] });
      },
      ...extra,
    });
    return rt;
  };
  return { kafka, topic, groupId, seen, run };
}

test('replay mark: format and parse round-trip; malformed or foreign metadata is no mark; oversized marks are refused', () => {
  const mark = { id: 'r1', frontier: 20n, until: 10n, keys: ['a'], effects: true };
  assert.deepEqual(parseReplayMark(formatReplayMark(mark)), mark);
  assert.deepEqual(parseReplayMark(formatReplayMark({ id: 'r2', frontier: 5n })), { id: 'r2', frontier: 5n });
  for (const bad of [
    null,
    '',
    'x',
    '{',
    '{"wabusReplay":2,"id":"r","frontier":"1"}',
    '{"wabusReplay":1,"id":"r","frontier":"-1"}',
    '{"wabusReplay":1,"id":"r","frontier":"1","keys":[1]}',
  ]) {
    assert.equal(parseReplayMark(bad), null, String(bad));
  }
  assert.throws(() => formatReplayMark({ id: 'r', frontier: 1n, keys: Array.from({ length: 400 }, (_, i) => `123456789:55119${i}`) }), {
    code: 'WABUS_REPLAY_MARK_TOO_LARGE',
  });
});

test('replay: offsets moved back with a mark are delivered again with the replay header, [until, frontier) and other keys are skipped, then live resumes unmarked', async (t) => {
  const { kafka, topic, groupId, seen, run } = await setup(t, 30);
  const first = await run();
  await first.whenApplied();
  await first.stop();
  assert.deepEqual(
    seen.map((s) => s.seq),
    Array.from({ length: 30 }, (_, i) => i),
  );
  assert.ok(
    seen.every((s) => s.replay === undefined),
    'live records carry no replay header',
  );
  seen.length = 0;

  // Replay offsets [3, 18) of key a only; the group had applied up to 30.
  await setGroupOffsets(kafka, groupId, topic, [
    { partition: 0, offset: '3', metadata: formatReplayMark({ id: 'fix-1', frontier: 30n, until: 18n, keys: ['a'] }) },
  ]);
  const [stored] = await fetchGroupOffsets(kafka, groupId, topic);
  assert.equal(stored?.offset, '3');
  assert.equal(parseReplayMark(stored?.metadata)?.id, 'fix-1');

  const second = await run();
  t.after(() => second.stop());
  await second.whenApplied(new Map([[0, 30n]]));
  assert.deepEqual(
    seen.map((s) => s.seq),
    [3, 6, 9, 12, 15],
    'key a (seq % 3 == 0) in [3, 18) only',
  );
  assert.ok(
    seen.every((s) => s.replay === 'fix-1'),
    'every replayed record carries the replay header',
  );
  const [after] = await fetchGroupOffsets(kafka, groupId, topic);
  assert.equal(after?.offset, '30');
  assert.equal(after?.metadata ?? '', '', 'past the frontier the mark is dropped from the commit');
  assert.equal(second.status().partitions.find((p) => p.partition === 0)?.replay, undefined, 'and from the status');

  // New records after the replay are live: no header.
  seen.length = 0;
  await produceRecords(kafka, topic, [{ key: 'b', value: Buffer.from(JSON.stringify({ key: 'b', seq: 30 })) }]);
  await second.whenApplied(new Map([[0, 31n]]));
  assert.deepEqual(seen, [{ seq: 30, replay: undefined }]);
});

test("replay: a restart in the middle of a replay keeps replaying (the mark lives in the group's commits); effects=true delivers without the header", async (t) => {
  const { kafka, topic, groupId, seen, run } = await setup(t, 12);
  const first = await run();
  await first.whenApplied();
  await first.stop();
  seen.length = 0;
  await setGroupOffsets(kafka, groupId, topic, [{ partition: 0, offset: '0', metadata: formatReplayMark({ id: 'again', frontier: 12n }) }]);
  // Stop after the first chunk of 4: its commit must carry the mark forward.
  const partial = await run();
  await partial.whenApplied(new Map([[0, 4n]]));
  await partial.stop();
  const [mid] = await fetchGroupOffsets(kafka, groupId, topic);
  assert.ok(
    BigInt(mid!.offset) >= 4n && BigInt(mid!.offset) < 12n ? parseReplayMark(mid!.metadata)?.id === 'again' : mid!.offset === '12',
    'an unfinished replay keeps its mark in the commit',
  );
  const rest = await run();
  await rest.whenApplied(new Map([[0, 12n]]));
  await rest.stop();
  assert.deepEqual(
    [...new Set(seen.map((s) => s.seq))].sort((a, b) => a - b),
    Array.from({ length: 12 }, (_, i) => i),
    'all twelve replayed across the restart',
  );
  assert.ok(seen.every((s) => s.replay === 'again'));

  seen.length = 0;
  await setGroupOffsets(kafka, groupId, topic, [{ partition: 0, offset: '10', metadata: formatReplayMark({ id: 'loud', frontier: 12n, effects: true }) }]);
  const loud = await run();
  t.after(() => loud.stop());
  await loud.whenApplied(new Map([[0, 12n]]));
  assert.deepEqual(
    seen,
    [
      { seq: 10, replay: undefined },
      { seq: 11, replay: undefined },
    ],
    'effects allowed: no header',
  );
});

test('replay: setting offsets refuses while the group has a live member; replayOnly holds every partition at its frontier', async (t) => {
  const { kafka, topic, groupId, seen, run } = await setup(t, 10);
  const live = await run();
  await live.whenApplied();
  await assert.rejects(setGroupOffsets(kafka, groupId, topic, [{ partition: 0, offset: '0', metadata: null }]), (err) =>
    KafkaError.is(err, 'WABUS_KAFKA_GROUP_LIVE'),
  );
  await live.stop();
  seen.length = 0;
  await setGroupOffsets(kafka, groupId, topic, [{ partition: 0, offset: '2', metadata: formatReplayMark({ id: 'shadow', frontier: 6n }) }]);
  const shadow = await run({ replayOnly: true });
  t.after(() => shadow.stop());
  await shadow.whenApplied(new Map([[0, 6n]]));
  // Wait until the runtime reports the partition held at its frontier: records 6..9 exist and must not be applied.
  await waitUntil('partition 0 held at its frontier', () => shadow.status().partitions.find((p) => p.partition === 0)?.replayDone === true, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  assert.deepEqual(
    seen.map((s) => s.seq),
    [2, 3, 4, 5],
  );
  assert.ok(seen.every((s) => s.replay === 'shadow'));
  const [after] = await fetchGroupOffsets(kafka, groupId, topic);
  assert.equal(after?.offset, '6', 'nothing past the frontier committed');
});
