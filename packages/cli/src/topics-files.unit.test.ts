import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicDefinition } from '@wabus/kafka';
import { consumerDefaults, consumerServices } from '@wabus/service/registry';
import { clusterTopicsFile, defaultTopicsFile, loadWabusTopics } from './repo-paths.ts';

/** Everything about a topic but how it is replicated. */
function withoutReplication(def: TopicDefinition): unknown {
  const { replicationFactor: _rf, config, ...rest } = def;
  const { 'min.insync.replicas': _minIsr, ...otherConfig } = config;
  return { ...rest, config: otherConfig };
}

test('given topics.json and topics.cluster.json, then they define the same topics, alike in everything but replication', async () => {
  const single = await loadWabusTopics(defaultTopicsFile);
  const cluster = await loadWabusTopics(clusterTopicsFile);
  assert.deepEqual(
    cluster.map((d) => d.name),
    single.map((d) => d.name),
    'the same topics, in the same order',
  );
  for (const [i, def] of cluster.entries()) {
    assert.deepEqual(withoutReplication(def), withoutReplication(single[i]!), `${def.name}: partitions, description and config`);
  }
});

test('given topics.cluster.json, then every topic has 3 replicas and needs 2 in sync; topics.json 1 and 1', async () => {
  for (const def of await loadWabusTopics(clusterTopicsFile)) {
    assert.equal(def.replicationFactor, 3, `${def.name}: replicationFactor`);
    assert.equal(def.config['min.insync.replicas'], '2', `${def.name}: min.insync.replicas`);
  }
  for (const def of await loadWabusTopics(defaultTopicsFile)) {
    assert.equal(def.replicationFactor, 1, `${def.name}: replicationFactor`);
    assert.equal(def.config['min.insync.replicas'], '1', `${def.name}: min.insync.replicas`);
  }
});

test('given the registry, then every consumer service has its dead-letter and redrive topic in both files', async () => {
  for (const file of [defaultTopicsFile, clusterTopicsFile]) {
    const names = new Set((await loadWabusTopics(file)).map((d) => d.name));
    for (const { name } of consumerServices()) {
      const { dlqTopic, redriveTopic } = consumerDefaults(name);
      assert.ok(names.has(dlqTopic) && names.has(redriveTopic), `${file}: ${dlqTopic} and ${redriveTopic}`);
    }
  }
});
