import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent } from '@wabus/events';
import { createKafka, createTopicsAndWait } from '@wabus/kafka';
import { eventHeaders, KEY, testEvent } from '@wabus/ops/testing';
import { produceRecords, testEnv, uniqueName } from '@wabus/testing';
import { traceCommand } from './trace.ts';

const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'cli-trace-test' });

test('trace: the record, its headers and trace link, each group applied or not yet; bad input is coded', async (t) => {
  const topic = uniqueName('cli.trace');
  const groupId = uniqueName('cli.group');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [{ topic, numPartitions: 3 }] });
  t.after(async () => {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  const [m1, m2] = [testEvent('wamid.T1'), testEvent('wamid.T2')];
  await produceRecords(
    kafka,
    topic,
    [m1!, m2!].map((e) => ({ key: e.key, value: encodeEvent(e), headers: eventHeaders(e) })),
  );
  const partition = (await admin.fetchTopicOffsets(topic)).find((o) => o.high === '2')!.partition;
  await admin.setOffsets({ groupId, topic, partitions: [{ partition, offset: '1' }] });

  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    await traceCommand(
      [...argv, '--topic', topic, '--dlq-topic', `${topic}.dlq.none`, '--ledger-topic', `${topic}.actions`, '--trace-url', 'http://viewer/trace/'],
      (l) => lines.push(l),
    );
    return lines;
  };
  const applied = (await run('wamid.T1')).join('\n');
  assert.match(applied, new RegExp(`record ${topic.replaceAll('.', '\\.')} partition ${partition} offset 0  key ${KEY}`));
  assert.match(applied, new RegExp(`event    ${m1!.eventId}  message text wamid\\.T1`));
  assert.match(applied, /trace {4}0af7651916cd43dd8448eb211c80319c {2}http:\/\/viewer\/trace\/0af7651916cd43dd8448eb211c80319c/);
  assert.match(applied, new RegExp(`consumer ${groupId.replaceAll('.', '\\.')}\\s+applied\\s+committed 1`));
  assert.match(applied, /summary: 1 record\(s\); consumer states: 1 applied, 0 dead-lettered, 0 not yet; 0 dead letter\(s\)/);
  const notYet = JSON.parse((await run(m2!.eventId, '--key', KEY, '--since', '1h', '--json'))[0]!) as {
    records: { record: { offset: string }; consumers: { state: string }[] }[];
    skippedTopics: string[];
  };
  assert.deepEqual(
    notYet.records.map((r) => [r.record.offset, r.consumers[0]!.state]),
    [['1', 'not-yet']],
  );
  assert.deepEqual(notYet.skippedTopics, [`${topic}.dlq.none`, `${topic}.actions`]);

  await assert.rejects(run('wamid.none'), { code: 'WABUS_OPS_NO_MATCH' });
  await assert.rejects(run('wamid.T1', '--since', 'yesterday'), { code: 'WABUS_OPS_BAD_TIME' });
  await assert.rejects(traceCommand([]), { code: 'WABUS_CLI_USAGE' });
  await assert.rejects(traceCommand(['a', 'b']), { code: 'WABUS_CLI_USAGE' });
});
