import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { createRng } from '@wabus/simulator';
import { readTopic, testEnv, uniqueName } from '@wabus/testing';
import { MongoClient } from 'mongodb';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, produce, readDocs, startTracker, testDatabase, testKafka, waitUntil } from './tracker.test-support.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** `src/main.ts` as its own process, the way it is deployed. */
function spawnTracker(t: TestContext, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/status-tracker/src/main.ts'], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  t.after(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  const running = () => output.join('').includes('"msg":"status-tracker running"');
  return { child, output, exited, running };
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

test('status-tracker: SIGKILLed at random points mid-batch and restarted, it ends with the documents of a clean run', async (t) => {
  const kafka = testKafka();
  const rng = createRng('sigkill');
  const records = deliver(statusWorkload({ seed: 'sigkill', messages: 2_000 }), { seed: 'sigkill-order', maxPerBody: 3 });
  const total = BigInt(records.length);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const groupId = uniqueName('st.group');
  const database = testDatabase(t);
  const env = {
    HOST: '127.0.0.1',
    STATUS_TRACKER_PORT: '0',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: topic,
    WABUS_DLQ_TOPIC: dlqTopic,
    WABUS_GROUP_ID: groupId,
    WABUS_DATABASE: database,
    // Small chunks: many write-then-commit windows for a kill to land in.
    WABUS_MAX_BATCH: '40',
    LOG_LEVEL: 'info',
  };

  const killedAt: bigint[] = [];
  for (let kill = 0; kill < 3; kill++) {
    const before = await committed(kafka, groupId, topic);
    // Somewhere in the next stretch of the log, at a random point.
    const target = before + BigInt(rng.int(1, Math.max(2, Math.floor(Number(total - before) / 3))));
    const run = spawnTracker(t, env);
    await waitUntil('the tracker starts', () => run.running() || run.child.exitCode !== null, 60_000);
    await waitUntil(`committed offsets pass ${target}`, async () => (await committed(kafka, groupId, topic)) >= target, 90_000);
    run.child.kill('SIGKILL');
    await run.exited;
    killedAt.push(await committed(kafka, groupId, topic));
  }
  assert.ok(killedAt.every((c) => c > 0n && c < total), `killed mid-run each time (committed at kills: ${killedAt.join(', ')} of ${total})`);

  const last = spawnTracker(t, env);
  await waitUntil('the restarted tracker catches up', async () => (await committed(kafka, groupId, topic)) === total, 120_000);
  last.child.kill('SIGTERM');
  assert.equal(await last.exited, 0, 'graceful stop');

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
