import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TopicLimit } from '@wabus/kafka';
import { loadIngressConfig } from './config.ts';
import { IngressError } from './errors.ts';
import { checkTopicLimits, RECORD_OVERHEAD_BYTES, requiredBatchBytes } from './topic-limits-check.ts';

const MiB = 1024 * 1024;
const topic = (name: string, maxMessageBytes: number, segmentBytes = 1024 * MiB): TopicLimit => ({
  topic: name,
  maxMessageBytes,
  segmentBytes,
  batchBytes: Math.min(maxMessageBytes, segmentBytes),
});

test('given the topics of infra/topics.json (4 MiB) and the default body limit (3 MiB), then ingress starts', () => {
  assert.doesNotThrow(() => checkTopicLimits(3 * MiB, [topic('raw', 4 * MiB), topic('events', 4 * MiB)]));
  // Exactly enough is enough.
  assert.doesNotThrow(() => checkTopicLimits(3 * MiB, [topic('raw', requiredBatchBytes(3 * MiB))]));
});

test('given the old test profile (1 MiB segments), then the start is refused in one coded line naming both numbers and what to change', () => {
  assert.throws(
    () => checkTopicLimits(3 * MiB, [topic('whatsapp.webhooks.raw.v1', 4 * MiB, MiB), topic('whatsapp.events.v1', 4 * MiB)]),
    (err: unknown) => {
      assert.ok(IngressError.is(err, 'WABUS_INGRESS_TOPIC_TOO_SMALL'));
      assert.equal(err.param, 'INGRESS_BODY_LIMIT');
      assert.equal(err.message.includes('\n'), false);
      assert.match(
        err.message,
        /^topic whatsapp\.webhooks\.raw\.v1 takes record batches of at most 1048576 bytes \(max\.message\.bytes 4194304, segment\.bytes 1048576\)/,
      );
      assert.match(
        err.message,
        new RegExp(`a body of INGRESS_BODY_LIMIT 3145728 bytes needs ${3 * MiB + RECORD_OVERHEAD_BYTES}: raise its segment\\.bytes to at least`),
      );
      assert.match(err.message, new RegExp(`lower INGRESS_BODY_LIMIT to at most ${MiB - RECORD_OVERHEAD_BYTES}$`));
      assert.doesNotMatch(err.message, /whatsapp\.events\.v1/, 'the topic that fits is not named');
      return true;
    },
  );
});

test('given both topics at the broker default (message.max.bytes 1048588), then both are named, each with the setting to raise', () => {
  assert.throws(
    () => checkTopicLimits(3 * MiB, [topic('raw', 1_048_588, MiB), topic('events', 1_048_588)]),
    (err: unknown) => {
      assert.ok(IngressError.is(err, 'WABUS_INGRESS_TOPIC_TOO_SMALL'));
      assert.match(
        err.message,
        /topic raw .* raise its max\.message\.bytes and segment\.bytes to at least \d+; topic events .* raise its max\.message\.bytes to at least/,
      );
      assert.match(err.message, new RegExp(`at most ${MiB - RECORD_OVERHEAD_BYTES}$`), 'the smallest topic bounds the body limit');
      return true;
    },
  );
});

test('given the topics as code (infra/topics.json and topics.cluster.json) and the default body limit, then the start-up check passes', () => {
  const bodyLimit = loadIngressConfig({ WHATSAPP_APP_SECRETS: 's', WHATSAPP_VERIFY_TOKEN: 't' }).bodyLimit;
  for (const file of ['topics.json', 'topics.cluster.json']) {
    const { topics } = JSON.parse(readFileSync(new URL(`../../../infra/${file}`, import.meta.url), 'utf8')) as {
      topics: { name: string; config: Record<string, string> }[];
    };
    const limits = ['whatsapp.webhooks.raw.v1', 'whatsapp.events.v1'].map((name) => {
      const config = topics.find((t) => t.name === name)?.config;
      assert.ok(config, `${file} defines ${name}`);
      // Without its own segment.bytes a topic has the broker's: Kafka's default, 1 GiB, in every profile.
      return topic(name, Number(config['max.message.bytes']), Number(config['segment.bytes'] ?? 1024 * MiB));
    });
    assert.doesNotThrow(() => checkTopicLimits(bodyLimit, limits), file);
  }
});
