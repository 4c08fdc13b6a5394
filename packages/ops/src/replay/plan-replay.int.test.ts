import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProducer, createKafka, fetchGroupOffsets, parseReplayMark, setGroupOffsets, createTopicsAndWait } from '@wabus/kafka';
import { testEnv, uniqueName } from '@wabus/testing';
import { OpsError } from '../errors.ts';
import { executeReplayPlan, planReplay, replayProgress, type ReplayRequest } from './plan-replay.ts';

/** Two partitions of ten records each, one a second apart an hour ago; the group applied p0 fully and p1 up to 6. */
async function setup(t: import('node:test').TestContext) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'plan-replay-test' });
  const topic = uniqueName('plan.events');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 2 }] });
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  const base = Date.now() - 3_600_000;
  const producer = createProducer(kafka);
  for (const partition of [0, 1]) {
    await producer.send([
      {
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({
          partition,
          key: i % 2 === 0 ? 'a' : 'b',
          value: Buffer.from(`${partition}/${i}`),
          timestamp: String(base + i * 1_000),
        })),
      },
    ]);
  }
  await producer.close();
  const groupId = uniqueName('plan.group');
  await setGroupOffsets(kafka, groupId, topic, [
    { partition: 0, offset: '10', metadata: null },
    { partition: 1, offset: '6', metadata: null },
  ]);
  const req = (o: Partial<ReplayRequest>): ReplayRequest => ({
    mode: 'reset',
    topic,
    groupId,
    from: { kind: 'beginning' },
    to: { kind: 'frontier' },
    id: 'r1',
    ...o,
  });
  return { kafka, topic, groupId, base, req };
}

test('planReplay (reset): times resolve per partition, the end is capped at what the group applied, keys and the end go into the mark', async (t) => {
  const { kafka, topic, groupId, base, req } = await setup(t);
  const plan = await planReplay(kafka, req({ from: { kind: 'time', ms: base + 3_000 }, to: { kind: 'time', ms: base + 8_000 }, keys: ['a'] }));
  assert.deepEqual(
    plan.partitions.map((p) => ({ partition: p.partition, committed: p.committed, frontier: p.frontier, start: p.start, until: p.until, replay: p.replay })),
    [
      { partition: 0, committed: '10', frontier: '10', start: '3', until: '8', replay: true },
      { partition: 1, committed: '6', frontier: '6', start: '3', until: '6', replay: true },
    ],
  );
  assert.equal(plan.records, '8', '(8 − 3) + (6 − 3), before the key filter');
  assert.deepEqual(await fetchGroupOffsets(kafka, groupId, topic).then((o) => o.map((x) => x.offset)), ['10', '6'], 'planning changes nothing');

  await executeReplayPlan(kafka, plan);
  const after = await fetchGroupOffsets(kafka, groupId, topic);
  assert.deepEqual(
    after.map((o) => o.offset),
    ['3', '3'],
  );
  assert.deepEqual(parseReplayMark(after[0]!.metadata), { id: 'r1', frontier: 10n, until: 8n, keys: ['a'] });
  assert.deepEqual(parseReplayMark(after[1]!.metadata), { id: 'r1', frontier: 6n, keys: ['a'] });
  assert.deepEqual(await replayProgress(kafka, plan), { done: 0n, total: 10n, finished: false });

  // A second plan while the first is unfinished keeps its frontier (what had been applied), not the moved-back offset.
  const again = await planReplay(kafka, req({ id: 'r2' }));
  assert.deepEqual(
    again.partitions.map((p) => [p.start, p.frontier]),
    [
      ['0', '10'],
      ['0', '6'],
    ],
  );
  await setGroupOffsets(kafka, groupId, topic, [
    { partition: 0, offset: '10', metadata: null },
    { partition: 1, offset: '6', metadata: null },
  ]);
  assert.deepEqual(await replayProgress(kafka, plan), { done: 10n, total: 10n, finished: true });
});

test('planReplay (reset): offsets for some partitions leave the others as they are; never forward; bad offsets are refused', async (t) => {
  const { kafka, req } = await setup(t);
  const plan = await planReplay(kafka, req({ from: { kind: 'offsets', offsets: new Map([[0, 4n]]) } }));
  assert.deepEqual(plan.offsets, [
    { partition: 0, offset: '4', metadata: plan.offsets[0]!.metadata },
    { partition: 1, offset: '6', metadata: null },
  ]);
  assert.equal(parseReplayMark(plan.offsets[0]!.metadata)?.frontier, 10n);
  await assert.rejects(planReplay(kafka, req({ from: { kind: 'offsets', offsets: new Map([[1, 8n]]) } })), (err) =>
    OpsError.is(err, 'WABUS_OPS_REPLAY_FORWARD'),
  );
  await assert.rejects(
    planReplay(kafka, req({ from: { kind: 'offsets', offsets: new Map([[0, 11n]]) } })),
    (err) => OpsError.is(err, 'WABUS_OPS_BAD_OFFSET') && /past the log end 10/.test(err.message),
  );
  await assert.rejects(planReplay(kafka, req({ from: { kind: 'offsets', offsets: new Map([[5, 0n]]) } })), (err) => OpsError.is(err, 'WABUS_OPS_BAD_OFFSET'));
  await assert.rejects(planReplay(kafka, req({ keys: [] })), (err) => OpsError.is(err, 'WABUS_OPS_BAD_REPLAY'));
  await assert.rejects(planReplay(kafka, req({ topic: uniqueName('no.such') })), (err) => OpsError.is(err, 'WABUS_OPS_TOPIC_MISSING'));
});

test('planReplay (shadow): a fresh group replays from the start to the log end (or --to); an existing shadow group is refused', async (t) => {
  const { kafka, groupId, req } = await setup(t);
  const shadowGroupId = `${groupId}.shadow.t`;
  const plan = await planReplay(kafka, req({ mode: 'shadow', shadowGroupId, to: { kind: 'offsets', offsets: new Map([[1, 4n]]) }, effects: true }));
  assert.equal(plan.groupId, shadowGroupId);
  assert.equal(plan.effects, false, 'a shadow never has outside effects');
  assert.deepEqual(
    plan.partitions.map((p) => [p.start, p.frontier]),
    [
      ['0', '10'],
      ['0', '4'],
    ],
  );
  await executeReplayPlan(kafka, plan);
  await assert.rejects(planReplay(kafka, req({ mode: 'shadow', shadowGroupId })), (err) => OpsError.is(err, 'WABUS_OPS_SHADOW_EXISTS'));
});
