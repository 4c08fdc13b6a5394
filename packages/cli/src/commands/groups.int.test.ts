import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent } from '@wabus/events';
import { createKafka, createTopicsAndWait } from '@wabus/kafka';
import { eventHeaders, testEvent } from '@wabus/ops/testing';
import { produceRecords, testEnv, uniqueName } from '@wabus/testing';
import { groupsCommand } from './groups.ts';

const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'cli-groups-test' });

test('groups: a group with committed offsets, its lag per partition, pause state unknown when no service answers; bad input is coded', async (t) => {
  const topic = uniqueName('cli.groups');
  const groupId = uniqueName('cli.group');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 2 }] });
  t.after(async () => {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  const events = Array.from({ length: 5 }, (_, i) => testEvent(`wamid.Q${i}`));
  await produceRecords(
    kafka,
    topic,
    events.map((e) => ({ key: e.key, value: encodeEvent(e), headers: eventHeaders(e) })),
  );
  const partition = (await admin.fetchTopicOffsets(topic)).find((o) => o.high === '5')!.partition;
  await admin.setOffsets({ groupId, topic, partitions: [{ partition, offset: '2' }] });

  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    await groupsCommand(['--topic', topic, '--probe', 'http://127.0.0.1:9/v1/lag', ...argv], (l) => lines.push(l));
    return lines;
  };
  const report = JSON.parse((await run('--json'))[0]!) as {
    groups: {
      groupId: string;
      state: string;
      topics: { totalLag: number; partitions: { partition: number; committed: string | null; lag: number; paused: unknown }[] }[];
    }[];
  };
  assert.deepEqual(
    report.groups.map((g) => g.groupId),
    [groupId],
  );
  const [g] = report.groups;
  assert.equal(g!.state, 'Empty');
  assert.equal(g!.topics[0]!.totalLag, 3);
  assert.deepEqual(
    g!.topics[0]!.partitions.find((p) => p.partition === partition),
    { partition, committed: '2', low: '0', high: '5', lag: 3, paused: 'unknown' },
  );
  const text = await run();
  assert.match(text[0]!, new RegExp(`^${groupId.replaceAll('.', '\\.')}  Empty  0 member\\(s\\)  lag 3$`));
  assert.ok(text.some((l) => new RegExp(`^    ${partition}\\s+2\\s+5\\s+3  unknown$`).test(l)));
  assert.match(text.at(-1)!, /^summary: 1 group\(s\) on .*, total lag 3, 0 partition\(s\) paused, 2 of unknown pause state$/);

  await assert.rejects(run('--group', 'no-such-group'), { code: 'WABUS_OPS_NO_MATCH' });
  await assert.rejects(groupsCommand(['--topic', `${topic}.missing`]), { code: 'WABUS_OPS_TOPIC_MISSING' });
  await assert.rejects(groupsCommand(['--probe', 'localhost:8081']), { code: 'WABUS_CLI_USAGE' });
  await assert.rejects(groupsCommand(['extra']), { code: 'WABUS_CLI_USAGE' });
});
