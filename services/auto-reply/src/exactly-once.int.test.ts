import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTopic } from '@wabus/testing';
import { REPLAY_HEADER } from '@wabus/kafka';
import { inboundWorkload } from './workload.test-support.ts';
import {
  counter,
  createTopics,
  EVERYTHING_RULES,
  produce,
  readOutbox,
  repliesByInbound,
  serviceEnv,
  standIn,
  startService,
  testDatabase,
  testKafka,
  writeRules,
} from './service.test-support.ts';

test('auto-reply: every eligible inbound message answered exactly once across duplicates and a replay from offset 0 (new group, same database)', async (t) => {
  const kafka = testKafka();
  const graph = await standIn(t);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const { records, messages } = inboundWorkload({ seed: 'exactly-once', customers: 25, messages: 300, nowMs: Date.now(), staleShare: 0.1 });
  const eligible = messages.filter((m) => m.eligible);
  const database = testDatabase(t);
  const env = serviceEnv({ topic, dlqTopic, database, graphUrl: graph.url, rulesFile: await writeRules(EVERYTHING_RULES) });

  // Every record twice: Meta's retries and a producer retry look exactly like this.
  await produce(kafka, topic, [...records, ...records]);
  const first = await startService(t, env);
  await first.runtime.whenApplied();

  const replies = repliesByInbound(graph.requests);
  for (const m of messages) assert.equal(replies.get(m.wamid)?.length ?? 0, m.eligible ? 1 : 0, `${m.kind} ${m.wamid} (eligible: ${m.eligible})`);
  assert.equal(graph.requests.length, eligible.length, 'nothing but the replies was sent');
  assert.ok(graph.requests.every((r) => r.status === 200 && r.headers['authorization'] === `Bearer ${graph.accessToken}`));

  const outbox = await readOutbox(first);
  assert.equal(outbox.length, eligible.length);
  const byWamid = new Map(outbox.map((e) => [e.inbound.wamid, e]));
  for (const m of eligible) {
    const e = byWamid.get(m.wamid);
    assert.equal(e?.state, 'sent', m.wamid);
    assert.equal(e.attempts, 1);
    assert.equal(e.reply?.wamid, replies.get(m.wamid)![0]!.wamid, 'the wamid Meta answered is stored with the inbound event');
    assert.deepEqual(e.request.body, replies.get(m.wamid)![0]!.body, 'the outbox holds the exact request');
  }
  // The first message of each conversation (answerable or not) decides the greeting.
  const firstOfConversation = new Map<string, string>();
  for (const m of messages) if (m.kind !== 'echo' && !firstOfConversation.has(m.conversation)) firstOfConversation.set(m.conversation, m.wamid);
  const greeted = outbox
    .filter((e) => e.ruleId === 'greeting')
    .map((e) => e.inbound.wamid)
    .sort();
  assert.deepEqual(
    greeted,
    eligible
      .filter((m) => firstOfConversation.get(m.conversation) === m.wamid)
      .map((m) => m.wamid)
      .sort(),
  );
  assert.ok(greeted.length > 0);
  assert.equal(await counter(first, 'wabus_auto_reply_duplicates_total'), eligible.length, 'each second copy found its decision recorded');
  assert.equal(await counter(first, 'wabus_consumer_events_deduplicated_total'), eligible.length, 'and changed no conversation state: a duplicate');
  await first.stop();

  // A replay from offset 0: a new consumer group on the same database finds every decision already recorded.
  const replay = await startService(t, { ...env, WABUS_GROUP_ID: `${env['WABUS_GROUP_ID']}-replay` });
  await replay.runtime.whenApplied();
  assert.equal(graph.requests.length, eligible.length, 'a replay sends nothing');
  assert.equal(await counter(replay, 'wabus_auto_reply_duplicates_total'), 2 * eligible.length, 'every copy decided again and found recorded');
  assert.equal(await counter(replay, 'wabus_consumer_events_deduplicated_total', { kind: 'message' }), 2 * eligible.length);
  assert.equal((await readOutbox(replay)).length, eligible.length);
  await replay.stop();

  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});

test('auto-reply: records re-produced by a replay tool (wabus-replay header) are not answered, even by a database that never saw them', async (t) => {
  const kafka = testKafka();
  const graph = await standIn(t);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const { records, messages } = inboundWorkload({ seed: 'replay-header', customers: 10, messages: 60, nowMs: Date.now() });
  await produce(
    kafka,
    topic,
    records.map((r) => ({ ...r, headers: { [REPLAY_HEADER]: 'restore-2025-06-02' } })),
  );
  const env = serviceEnv({ topic, dlqTopic, database: testDatabase(t), graphUrl: graph.url, rulesFile: await writeRules(EVERYTHING_RULES) });
  const service = await startService(t, env);
  await service.runtime.whenApplied();
  assert.equal(graph.requests.length, 0);
  assert.equal((await readOutbox(service)).length, 0);
  const answerable = messages.filter((m) => m.eligible).length;
  assert.equal(await counter(service, 'wabus_auto_reply_decisions_total', { outcome: 'replay' }), answerable);
});
