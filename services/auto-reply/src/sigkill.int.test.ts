import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { createRng } from '@wabus/simulator';
import { committedTotal, killAtRandomPoints, readTopic, spawnServiceProcess, testEnv, waitUntil } from '@wabus/testing';
import type { OutboxEntry } from './outbox.ts';
import { OUTBOX_COLLECTION } from './outbox.ts';
import { inboundWorkload } from './workload.test-support.ts';
import { createTopics, EVERYTHING_RULES, judgeOutbox, produce, serviceEnv, standIn, testDatabase, testKafka, writeRules } from './service.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

test('auto-reply: SIGKILLed at random points mid-call and restarted, never two replies to one inbound message; pending ones become unknown', async (t) => {
  const kafka = testKafka();
  const rng = createRng('sigkill');
  const graph = await standIn(t);
  // Slow answers, so that kills land while calls are in flight.
  graph.setDefault(() => ({ kind: 'ok', delayMs: rng.int(20, 80) }));
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const { records, messages } = inboundWorkload({ seed: 'sigkill', customers: 60, messages: 500, nowMs: Date.now() });
  const eligible = messages.filter((m) => m.eligible);
  // Duplicates too: the same events produced twice.
  const all = [...records, ...records.slice(0, 150)];
  await produce(kafka, topic, all);
  const database = testDatabase(t);
  const env = serviceEnv({
    topic,
    dlqTopic,
    database,
    graphUrl: graph.url,
    rulesFile: await writeRules(EVERYTHING_RULES),
    env: { LOG_LEVEL: 'info', WABUS_MAX_BATCH: '25', WABUS_SESSION_TIMEOUT_MS: '6000', AUTO_REPLY_MAX_AGE_SECONDS: '3600', AUTO_REPLY_RATE_PER_SECOND: '300' },
  });
  const groupId = env['WABUS_GROUP_ID']!;

  const kills = 3;
  await killAtRandomPoints({
    rounds: kills,
    start: () => spawnServiceProcess(t, MAIN, env),
    pick() {
      const target = graph.requests.length + rng.int(10, Math.floor(eligible.length / (kills + 2)));
      // Right as a request arrives: its answer is still 20-80 ms away, so its entry is pending.
      return () => graph.waitForRequests(target);
    },
  });
  const last = spawnServiceProcess(t, MAIN, env);
  await waitUntil('the restarted service catches up', async () => (await committedTotal(kafka, groupId, topic)) === BigInt(all.length), { timeoutMs: 120_000 });
  assert.equal(await last.stop(), 0, `graceful stop\n${last.output().slice(-2000)}`);

  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  t.after(() => client.close());
  const outbox = await client.db(database).collection<OutboxEntry>(OUTBOX_COLLECTION).find().toArray();
  const judged = judgeOutbox({ outbox, requests: graph.requests, messages });
  t.diagnostic(
    `${kills} kills, ${outbox.length} decisions: ${judged.sent} sent, ${judged.unknown} unknown (${judged.unknownButSent} of them did reach the Graph API)`,
  );
  assert.ok(judged.unknown >= kills, 'each kill left at least the call in flight pending, surfaced as unknown');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});
