import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTopicDefinitions } from './topic-definitions.ts';
import { KafkaError } from './errors.ts';

test('topic definitions: invalid files are refused with a message naming the topic', () => {
  const bad: [unknown, RegExp][] = [
    [{}, /"topics" array/],
    [{ topics: [{ name: 'a b', partitions: 1, replicationFactor: 1 }] }, /valid Kafka topic name/],
    [{ topics: [{ name: 'x', partitions: 0, replicationFactor: 1 }] }, /x: partitions/],
    [
      {
        topics: [
          { name: 'x', partitions: 1, replicationFactor: 1 },
          { name: 'x', partitions: 1, replicationFactor: 1 },
        ],
      },
      /defined twice/,
    ],
    [{ topics: [{ name: 'x', partitions: 1, replicationFactor: 1, config: { 'min.insync.replicas': '2' } }] }, /exceeds replicationFactor/],
  ];
  for (const [doc, message] of bad) {
    assert.throws(
      () => validateTopicDefinitions(doc),
      (e) => KafkaError.is(e, 'WABUS_KAFKA_TOPICS_INVALID') && message.test(e.message),
    );
  }
});

test('a topic named with {consumer} is one topic per consumer service, in their order, its description filled in too', () => {
  const doc = {
    topics: [
      { name: 'events', partitions: 12, replicationFactor: 1 },
      { name: 'events.dlq.{consumer}', description: 'dead letters of {consumer}', partitions: 1, replicationFactor: 1, config: { 'retention.ms': -1 } },
    ],
  };
  const defs = validateTopicDefinitions(doc, 'f', { consumers: ['a', 'b'] });
  assert.deepEqual(
    defs.map((d) => [d.name, d.description, d.config['retention.ms']]),
    [
      ['events', undefined, undefined],
      ['events.dlq.a', 'dead letters of a', '-1'],
      ['events.dlq.b', 'dead letters of b', '-1'],
    ],
  );
  assert.throws(() => validateTopicDefinitions(doc, 'f'), /f: topics\[1\] \(events\.dlq\.\{consumer\}\) is made per consumer service/);
  assert.throws(() => validateTopicDefinitions(doc, 'f', { consumers: ['a', 'a'] }), /topic events\.dlq\.a is defined twice/);
});
