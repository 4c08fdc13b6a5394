import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { createRng } from '@wabus/simulator';
import { readTopic, testEnv } from '@wabus/testing';
import type { OutboxEntry } from './outbox.ts';
import { OUTBOX_COLLECTION } from './outbox.ts';
import { inboundWorkload } from './workload.test-support.ts';
import { createTopics, EVERYTHING_RULES, produce, repliesByInbound, serviceEnv, standIn, testDatabase, testKafka, writeRules } from './service.test-support.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** `src/main.ts` as its own process, the way it is deployed. */
function spawnService(t: TestContext, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/auto-reply/src/main.ts'], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  t.after(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  return { child, output, exited };
}

async function committed(kafka: Kafka, groupId: string, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + (Number(p.offset) > 0 ? BigInt(p.offset) : 0n), 0n);
  } finally {
    await admin.disconnect();
  }
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
  for (let kill = 0; kill < kills; kill++) {
    const target = graph.requests.length + rng.int(10, Math.floor(eligible.length / (kills + 2)));
    const run = spawnService(t, env);
    await graph.waitForRequests(target);
    // Right as a request arrives: its answer is still 20-80 ms away, so its entry is pending.
    run.child.kill('SIGKILL');
    await run.exited;
  }
  const last = spawnService(t, env);
  await waitUntil('the restarted service catches up', async () => (await committed(kafka, groupId, topic)) === BigInt(all.length));
  last.child.kill('SIGTERM');
  assert.equal(await last.exited, 0, `graceful stop\n${last.output.join('').slice(-2000)}`);

  const client = new MongoClient(testEnv().mongoUri);
  await client.connect();
  t.after(() => client.close());
  const outbox = await client.db(database).collection<OutboxEntry>(OUTBOX_COLLECTION).find().toArray();
  const replies = repliesByInbound(graph.requests);

  for (const m of messages) assert.ok((replies.get(m.wamid)?.length ?? 0) <= (m.eligible ? 1 : 0), `${m.wamid}: never two replies, none when not eligible`);
  assert.deepEqual(outbox.map((e) => e.inbound.wamid).sort(), eligible.map((m) => m.wamid).sort(), 'every eligible message decided exactly once');
  const byState = { sent: 0, failed: 0, unknown: 0, pending: 0 };
  let unknownButSent = 0;
  for (const e of outbox) {
    byState[e.state]++;
    const sent = replies.get(e.inbound.wamid) ?? [];
    if (e.state === 'sent') {
      assert.equal(sent.length, 1);
      assert.equal(e.reply?.wamid, sent[0]!.wamid);
    } else {
      assert.equal(e.state, 'unknown', `${e._id}: ${e.state}`);
      assert.equal(e.unknown?.reason, 'pending_at_startup');
      assert.ok(sent.length <= 1);
      if (e.attempts === 0) assert.equal(sent.length, 0, 'attempts 0: the request certainly never left');
      if (sent.length === 1) unknownButSent++;
    }
  }
  t.diagnostic(`${kills} kills, ${outbox.length} decisions: ${byState.sent} sent, ${byState.unknown} unknown (${unknownButSent} of them did reach the Graph API)`);
  assert.ok(byState.unknown >= kills, 'each kill left at least the call in flight pending, surfaced as unknown');
  assert.equal(byState.sent + byState.unknown, eligible.length);
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
});
