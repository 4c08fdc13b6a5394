import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeEvent } from '@wabus/events';
import { produceRecords } from '@wabus/testing';
import { describeConsumerGroups } from './consumer-groups.ts';
import { OpsError } from './errors.ts';
import { connectAdmin } from './kafka-admin.ts';
import { createOpsTopics, produceEvents, startTestService } from './ops-fixture.test-support.ts';
import { eventHeaders, testEvent } from './test-dead-letter.test-support.ts';

const UNREACHABLE = 'http://127.0.0.1:9/v1/lag';

test('groups: members, committed offsets, lag per partition and paused state, for the events group and its redrive group', async (t) => {
  const topics = await createOpsTopics(t);
  const admin = await connectAdmin(topics.kafka);
  t.after(() => admin.disconnect());
  const svc = await startTestService(t, topics, { rejectStickers: false });
  const events = Array.from({ length: 6 }, (_, i) => testEvent(`wamid.G${i}`));
  await produceEvents(topics, events);
  await svc.service.runtime.whenApplied();
  const redriven = testEvent('wamid.G9');
  await produceRecords(topics.kafka, topics.redriveTopic, [{ key: redriven.key, value: encodeEvent(redriven), headers: eventHeaders(redriven) }]);
  await svc.service.redrive!.whenApplied();

  const live = await describeConsumerGroups(admin, { topic: topics.topic, lagProbes: [svc.lagUrl, UNREACHABLE], probeTimeoutMs: 2_000 });
  assert.deepEqual(
    live.groups.map((g) => g.groupId),
    [svc.groupId, `${svc.groupId}.redrive`],
  );
  const [main, redrive] = live.groups;
  assert.equal(main!.state, 'Stable');
  assert.equal(main!.members.length, 1);
  assert.deepEqual(main!.members[0]!.assignment, { [topics.topic]: [0, 1, 2] });
  assert.deepEqual(
    main!.topics.map((x) => x.topic),
    [topics.topic],
  );
  const used = main!.topics[0]!.partitions.filter((p) => p.high !== '0');
  assert.equal(used.length, 1, 'one conversation, one partition');
  assert.deepEqual(
    used.map((p) => [p.committed, p.high, p.lag, p.paused]),
    [['6', '6', 0, false]],
  );
  assert.equal(main!.topics[0]!.totalLag, 0);
  assert.deepEqual(
    redrive!.topics.map((x) => x.topic),
    [topics.redriveTopic],
  );
  assert.deepEqual(
    redrive!.topics[0]!.partitions.filter((p) => p.high !== '0').map((p) => [p.committed, p.lag, p.paused]),
    [['1', 0, false]],
  );
  assert.deepEqual(
    live.probes.map((p) => p.ok),
    [true, false],
  );
  assert.deepEqual(
    live.probes[0]!.statuses!.map((s) => s.groupId),
    [svc.groupId, `${svc.groupId}.redrive`],
  );

  // Stopped: the group is empty, new records are lag; the only answering instance says partition 0 is paused.
  await svc.stop();
  await produceEvents(topics, [testEvent('wamid.G6'), testEvent('wamid.G7'), testEvent('wamid.G8')]);
  const p = used[0]!.partition;
  const fake = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ groupId: svc.groupId, topic: topics.topic, partitions: [{ partition: p, paused: true, lastError: 'apply: store down' }] }));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => fake.close(() => r())));
  const stopped = await describeConsumerGroups(admin, {
    topic: topics.topic,
    groupIds: [svc.groupId],
    lagProbes: [`http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1/lag`, svc.lagUrl],
    probeTimeoutMs: 2_000,
  });
  const g = stopped.groups[0]!;
  assert.equal(g.state, 'Empty');
  assert.deepEqual(g.members, []);
  assert.equal(g.topics[0]!.totalLag, 3);
  for (const q of g.topics[0]!.partitions) {
    if (q.partition === p) assert.deepEqual([q.committed, q.high, q.lag, q.paused, q.lastError], ['6', '9', 3, true, 'apply: store down']);
    else assert.equal(q.paused, 'unknown');
  }
  assert.deepEqual(
    stopped.probes.map((x) => x.ok),
    [true, false],
    'the stopped service no longer answers',
  );

  await assert.rejects(describeConsumerGroups(admin, { topic: topics.topic, groupIds: ['no-such-group'], lagProbes: [] }), (e) =>
    OpsError.is(e, 'WABUS_OPS_NO_MATCH'),
  );
  await assert.rejects(describeConsumerGroups(admin, { topic: `${topics.topic}.missing`, lagProbes: [] }), (e) => OpsError.is(e, 'WABUS_OPS_TOPIC_MISSING'));
});
