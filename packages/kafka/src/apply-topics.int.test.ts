import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { testEnv, uniqueName } from '@wabus/testing';
import { applyTopics, describeTopics } from './apply-topics.ts';
import { createKafka } from './client.ts';
import type { TopicDefinition } from './topic-definitions.ts';

const { ConfigResourceTypes } = kafkajs;

test('topics as code: creates what is missing, is idempotent, reports drift, never deletes or alters', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'topics-test' });
  const admin = kafka.admin();
  await admin.connect();
  const a = uniqueName('topics.a');
  const b = uniqueName('topics.b');
  const bystander = uniqueName('topics.bystander');
  t.after(async () => {
    await admin.deleteTopics({ topics: [a, b, bystander] }).catch(() => undefined);
    await admin.disconnect();
  });
  await admin.createTopics({ topics: [{ topic: bystander, numPartitions: 1 }] });
  const defs: TopicDefinition[] = [
    { name: a, partitions: 4, replicationFactor: 1, config: { 'retention.ms': '86400000', 'cleanup.policy': 'delete', 'min.insync.replicas': '1' } },
    { name: b, partitions: 2, replicationFactor: 1, config: { 'retention.ms': '-1' } },
  ];

  const dry = await applyTopics(admin, defs, { dryRun: true });
  assert.deepEqual(dry.missing.sort(), [a, b].sort());
  assert.deepEqual(dry.created, []);
  assert.equal((await describeTopics(admin, [a])).at(0)?.exists, false, 'a dry run creates nothing');

  const first = await applyTopics(admin, defs);
  assert.deepEqual(first.created.sort(), [a, b].sort());
  const [sa] = await describeTopics(admin, [a], ['retention.ms']);
  assert.equal(sa?.partitions, 4);
  assert.equal(sa?.config?.['retention.ms'], '86400000');

  const second = await applyTopics(admin, defs);
  assert.deepEqual(second.created, []);
  assert.deepEqual(second.unchanged.sort(), [a, b].sort());
  assert.deepEqual(second.drift, []);

  // Someone changes the cluster by hand; the definitions now say something else too.
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: b, configEntries: [{ name: 'retention.ms', value: '1000' }] }],
  });
  const drifted = await applyTopics(admin, [{ ...defs[0]!, partitions: 6 }, defs[1]!]);
  assert.deepEqual(
    drifted.drift.map((d) => [d.topic, d.setting, d.expected, d.actual]),
    [
      [a, 'partitions', '6', '4'],
      [b, 'retention.ms', '-1', '1000'],
    ],
  );
  const after = await describeTopics(admin, [a, b, bystander], ['retention.ms']);
  assert.equal(after[0]?.partitions, 4, 'partitions are never changed by apply');
  assert.equal(after[1]?.config?.['retention.ms'], '1000', 'configs are never altered by apply');
  assert.equal(after[2]?.exists, true, 'topics outside the file are never deleted');
});
