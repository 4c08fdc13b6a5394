import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent } from '@wabus/events';
import { createRng } from '@wabus/simulator';
import { churnReplicas, databaseSnapshot, deliverItems, describeChurn, readTopic, testMongoClient, uniqueName } from '@wabus/testing';
import { messageWorkload } from './message-workload.test-support.ts';
import { createTopics, serviceEnv, startService } from './service.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test(
  'message-store: 3 replicas of one group, SIGKILLed, restarted, added, removed and frozen (SIGSTOP past the session) under load, end byte for byte like one clean run',
  // 112-140 s alone on either store; the secantus tier runs it beside other files on one Python store (past 240 s once).
  { timeout: 480_000 },
  async (t) => {
    const topics = await createTopics(t, 6);
    // Meta-like delivery: conversations interleaved, reactions, edits and revokes often before their target, a share of bodies twice.
    const records = deliverItems(messageWorkload({ seed: 'replicas', items: 5_000, customers: 60 }), { seed: 'replicas-order', maxPerBody: 3 });
    const total = BigInt(records.length);
    const wamids = new Set(
      records
        .map((r) => decodeEvent(r.value))
        .filter((e) => e.kind === 'message' || e.kind === 'message_echo')
        .map((e) => e.itemId),
    );
    const groupId = uniqueName('ms.replicas');
    const database = uniqueName('ms_replicas').replaceAll('-', '_');
    const client = await testMongoClient(t);
    t.after(() =>
      client
        .db(database)
        .dropDatabase()
        .catch(() => undefined),
    );
    // Small chunks, one partition at a time: many write-then-commit windows for a kill to land in (between the message
    // and the conversation writes too). A killed member holds its partitions until its session times out: 6 s, the minimum.
    const env = { ...serviceEnv(topics, { groupId, database, maxBatch: 5, sessionTimeoutMs: 6_000 }), LOG_LEVEL: 'info', WABUS_PARTITIONS_CONCURRENTLY: '1' };

    const churn = await churnReplicas(t, {
      kafka: topics.kafka,
      groupId,
      topic: topics.topic,
      records,
      entry: MAIN,
      env,
      runningMessage: 'message-store running',
      replicas: 3,
      actions: ['kill', 'restart', 'add', 'remove', 'freeze', 'kill', 'add'],
      rng: createRng('ms-replicas'),
    });
    t.diagnostic(`${total} records, ${wamids.size} messages; ${describeChurn(churn)}`);

    const clean = await startService(t, topics);
    await clean.runtime.whenApplied();
    const db = client.db(database);
    assert.deepEqual(
      await databaseSnapshot(db),
      await databaseSnapshot(clean.db),
      'every collection byte for byte as one clean instance wrote it, _h and _sys included',
    );
    const conversations = await db.collection('conversations').find().toArray();
    assert.equal(await db.collection('messages').countDocuments({ received: true }), wamids.size, 'one document per message');
    assert.equal(
      conversations.reduce((n, c) => n + c['counts'].inbound + c['counts'].outbound, 0),
      wamids.size,
      'every message counted exactly once',
    );
    assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 0);
  },
);
