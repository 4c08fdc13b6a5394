import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPrivateMongo } from '@wabus/infra';
import { readTopic } from '@wabus/testing';
import { createTopics, simulatedEvents, startService } from './service.test-support.ts';

test(
  'message-store: the store stops answering mid-run → not ready, nothing dead-lettered; back → catches up, nothing lost',
  { timeout: 180_000 },
  async (t) => {
    // A store of this test's own: pausing the shared one would break every other test.
    const mongo = await startPrivateMongo();
    t.after(() => mongo.stop());
    const topics = await createTopics(t);
    const events = simulatedEvents({ seed: 'outage', bodies: 80, kinds: ['message', 'echo'], customers: 20 });
    const half = Math.floor(events.length / 2);
    await topics.produce(events.slice(0, half));
    const service = await startService(t, topics, { mongoUri: mongo.uri, maxBatch: 50 });
    await service.runtime.whenApplied();
    assert.equal((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);

    mongo.pause();
    await topics.produce(events.slice(half));
    // Wait for the runtime to report the partition it could not write as paused (its mongo operations time out).
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (service.runtime.status().partitions.some((p) => p.paused)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    const notReady = await service.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(notReady.statusCode, 503);
    assert.equal(notReady.json().status, 'not_ready');
    assert.equal(service.runtime.ready(), false);

    mongo.resume();
    await service.runtime.whenApplied();
    assert.equal((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'ready again');
    const wamids = new Set(events.map((e) => e.itemId));
    const stored = await service.db.collection('messages').countDocuments({ received: true });
    assert.equal(stored, wamids.size, 'every message stored after the outage');
    const conversations = await service.db.collection('conversations').find().toArray();
    assert.equal(
      conversations.reduce((n, c) => n + c['counts'].inbound + c['counts'].outbound, 0),
      wamids.size,
      'each counted once',
    );
    assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 0, 'nothing dead-lettered');
  },
);
