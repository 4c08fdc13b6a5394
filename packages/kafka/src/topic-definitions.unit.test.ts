import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTopicDefinitions } from './topic-definitions.ts';
import { KafkaError } from './errors.ts';

test('topic definitions: invalid files are refused with a message naming the topic', () => {
  const bad: [unknown, RegExp][] = [
    [{}, /"topics" array/],
    [{ topics: [{ name: 'a b', partitions: 1, replicationFactor: 1 }] }, /valid Kafka topic name/],
    [{ topics: [{ name: 'x', partitions: 0, replicationFactor: 1 }] }, /x: partitions/],
    [{ topics: [{ name: 'x', partitions: 1, replicationFactor: 1 }, { name: 'x', partitions: 1, replicationFactor: 1 }] }, /defined twice/],
    [{ topics: [{ name: 'x', partitions: 1, replicationFactor: 1, config: { 'min.insync.replicas': '2' } }] }, /exceeds replicationFactor/],
  ];
  for (const [doc, message] of bad) {
    assert.throws(() => validateTopicDefinitions(doc), (e) => KafkaError.is(e, 'WABUS_KAFKA_TOPICS_INVALID') && message.test(e.message));
  }
});
