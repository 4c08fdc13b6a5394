import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { churnReplicas, databaseSnapshot, describeChurn, readTopic, testMongoClient, uniqueName } from '@wabus/testing';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, readDocs, startTracker, testDatabase, testKafka, trackerEnv } from './tracker.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test(
  'status-tracker: 3 replicas of one group, SIGKILLed, restarted, added, removed and frozen (SIGSTOP past the session) under load, end with the documents of one clean run',
  { timeout: 240_000 },
  async (t) => {
    const kafka = testKafka();
    // Meta-like delivery: conversations interleaved, statuses out of order, a share of bodies delivered twice.
    const records = deliver(statusWorkload({ seed: 'replicas', messages: 3_000 }), { seed: 'replicas-order', maxPerBody: 3 });
    const total = BigInt(records.length);
    const { topic, dlqTopic } = await createTopics(t, kafka, 6);
    const groupId = uniqueName('st.replicas');
    const database = testDatabase(t);
    // Small chunks, one partition at a time: many write-then-commit windows for a kill to land in.
    // A killed member holds its partitions until its session times out: 6 s, the broker's minimum.
    const env = {
      ...trackerEnv({ topic, dlqTopic, groupId, database, maxBatch: 5, logLevel: 'info' }),
      WABUS_SESSION_TIMEOUT_MS: '6000',
      WABUS_PARTITIONS_CONCURRENTLY: '1',
    };

    const churn = await churnReplicas(t, {
      kafka,
      groupId,
      topic,
      records,
      entry: MAIN,
      env,
      runningMessage: 'status-tracker running',
      replicas: 3,
      actions: ['kill', 'restart', 'add', 'remove', 'freeze', 'kill', 'add'],
      rng: createRng('st-replicas'),
    });
    t.diagnostic(`${total} records; ${describeChurn(churn)}`);

    const cleanStarted = Date.now();
    const clean = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
    await clean.runtime.whenApplied();
    t.diagnostic(`clean run: ${Date.now() - cleanStarted} ms`);
    const db = (await testMongoClient(t)).db(database);
    assert.deepEqual(await databaseSnapshot(db), await databaseSnapshot(clean.db), 'every collection byte for byte as one clean instance wrote it');
    assert.deepEqual(await readDocs(db), expectedDocs(records), 'each status applied once, none lost');
    assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
  },
);
