import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from 'mongodb';
import { createRng } from '@wabus/simulator';
import { killAtRandomPoints, readTopic, spawnServiceProcess, uniqueName, waitUntil } from '@wabus/testing';
import { createTopics, openDb, serviceEnv, simulatedEvents, snapshot, startService, type TestTopics } from './service.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

/** Messages written whose conversation write has not happened yet: the state a kill between the two writes leaves. */
async function pendingCounts(db: Db): Promise<number> {
  const through = new Map((await db.collection('conversations').find().toArray()).map((c) => [String(c._id), c['_sys'].through.o as number]));
  const messages = await db.collection('messages').find({ received: true }).toArray();
  return messages.filter((m) => (through.get(`${m['phoneNumberId']}:${m['customerId']}`) ?? -1) < m['_sys'].first.o).length;
}

test('message-store: SIGKILLed at random points and restarted, it ends exactly like a clean run', { timeout: 240_000 }, async (t) => {
  const topics: TestTopics = await createTopics(t);
  const events = simulatedEvents({ seed: 'sigkill', bodies: 400, kinds: ['message', 'echo', 'status_delivered'], customers: 40 });
  // Meta retries: every seventh event again, later in the log.
  await topics.produce([...events, ...events.filter((_, i) => i % 7 === 0)]);
  const distinct = new Set(events.filter((e) => e.kind !== 'status').map((e) => e.itemId)).size;

  const database = uniqueName('ms_kill').replaceAll('-', '_');
  const db = await openDb(t, database);
  const messages = db.collection('messages');
  const rng = createRng('kill-points');
  const groupId = uniqueName('ms.kill');
  // A killed member holds its partitions until its session times out: keep that short so restarts do not wait 30 s.
  const env = serviceEnv(topics, { groupId, database, maxBatch: 20, sessionTimeoutMs: 6_000 });
  const kills = await killAtRandomPoints({
    rounds: 4,
    start: () => spawnServiceProcess(t, MAIN, env),
    async pick() {
      const before = await messages.countDocuments({ received: true });
      if (before >= distinct) return undefined;
      // A random point of progress, somewhere in the next few hundred messages.
      const target = Math.min(distinct - 1, before + rng.int(50, 400));
      // Polls the store the child process writes (the child's runtime signal is not reachable from here); if the
      // child dies first, the kill reports it with its output.
      return (run) =>
        waitUntil(
          () => `progress to ${target} messages\n${run.output().slice(-500)}`,
          async () => (await messages.countDocuments({ received: true })) >= target || !run.running(),
          { timeoutMs: 60_000, intervalMs: 5 },
        );
    },
    afterKill: async () => ({ at: await messages.countDocuments({ received: true }), pending: await pendingCounts(db) }),
  });
  assert.ok(kills.length >= 3, `killed ${kills.length} times`);

  // The last restart, in-process so the test can wait for the runtime's signal.
  const last = await startService(t, topics, { database, groupId, keepDatabase: true, maxBatch: 20, sessionTimeoutMs: 6_000 });
  await last.runtime.whenApplied();
  const clean = await startService(t, topics);
  await clean.runtime.whenApplied();
  assert.deepEqual(await snapshot(db), await snapshot(clean.db), 'byte-identical to a clean run, _h and _sys included');

  const conversations = await db.collection('conversations').find().toArray();
  const counted = conversations.reduce((n, c) => n + c['counts'].inbound + c['counts'].outbound, 0);
  assert.equal(counted, distinct, 'every message counted exactly once');
  assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 0);
  t.diagnostic(`kills at ${kills.map((k) => `${k.at} messages (${k.pending} written without their conversation count)`).join(', ')}; ${distinct} messages`);
});
