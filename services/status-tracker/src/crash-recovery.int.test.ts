import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { committedTotal, killAtRandomPoints, readTopic, spawnServiceProcess, testEnv, uniqueName, waitUntil } from '@wabus/testing';
import { MongoClient } from 'mongodb';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, produce, readDocs, startTracker, testDatabase, testKafka, trackerEnv } from './tracker.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test('status-tracker: SIGKILLed at random points mid-batch and restarted, it ends with the documents of a clean run', async (t) => {
  const kafka = testKafka();
  const rng = createRng('sigkill');
  const records = deliver(statusWorkload({ seed: 'sigkill', messages: 2_000 }), { seed: 'sigkill-order', maxPerBody: 3 });
  const total = BigInt(records.length);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const groupId = uniqueName('st.group');
  const database = testDatabase(t);
  // Small chunks: many write-then-commit windows for a kill to land in; logs at info for the "running" line.
  // A short session, as the other kill tests: the restarted process need not wait out a dead member's 30 s.
  const env = { ...trackerEnv({ topic, dlqTopic, groupId, database, maxBatch: 40, logLevel: 'info' }), WABUS_SESSION_TIMEOUT_MS: '6000' };

  const killedAt = await killAtRandomPoints({
    rounds: 3,
    start: () => spawnServiceProcess(t, MAIN, env),
    async pick() {
      const before = await committedTotal(kafka, groupId, topic);
      // Somewhere in the next stretch of the log, at a random point.
      const target = before + BigInt(rng.int(1, Math.max(2, Math.floor(Number(total - before) / 3))));
      return async (run) => {
        const log = () => run.output().slice(-1_000);
        await waitUntil(
          () => `the tracker starts\n${log()}`,
          () => run.output().includes('"msg":"status-tracker running"') || !run.running(),
          { timeoutMs: 60_000 },
        );
        await waitUntil(
          () => `committed offsets pass ${target}\n${log()}`,
          async () => (await committedTotal(kafka, groupId, topic)) >= target,
          { timeoutMs: 90_000 },
        );
      };
    },
    afterKill: () => committedTotal(kafka, groupId, topic),
  });
  assert.ok(
    killedAt.every((c) => c > 0n && c < total),
    `killed mid-run each time (committed at kills: ${killedAt.join(', ')} of ${total})`,
  );

  const last = spawnServiceProcess(t, MAIN, env);
  await waitUntil('the restarted tracker catches up', async () => (await committedTotal(kafka, groupId, topic)) === total, { timeoutMs: 120_000 });
  assert.equal(await last.stop(), 0, 'graceful stop');

  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  t.after(() => client.close());
  const survived = await readDocs(client.db(database));
  const clean = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
  await clean.runtime.whenApplied();
  assert.deepEqual(survived, await readDocs(clean.db), 'same documents as a clean run, _h included');
  assert.deepEqual(survived, expectedDocs(records), 'each event applied once, none lost');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});
