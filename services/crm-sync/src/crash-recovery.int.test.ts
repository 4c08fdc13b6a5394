import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { createRng } from '@wabus/simulator';
import { startCrmStandIn } from '@wabus/standins';
import { readTopic, uniqueName } from '@wabus/testing';
import { asJson, crmWorkload, deliver, expectedContacts } from './crm-workload.test-support.ts';
import { createTopics, crmSyncEnv, produce, SECRET, testDatabase, testKafka, TOKEN, waitUntil } from './crm-sync.test-support.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** `src/main.ts` as its own process, the way it is deployed. */
function spawnCrmSync(t: TestContext, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/crm-sync/src/main.ts'], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

test('crm-sync: SIGKILLed at random points (mid-request, between the CRM answer and its record) and restarted, the CRM ends exact', async (t) => {
  const kafka = testKafka();
  const rng = createRng('sigkill');
  const records = deliver(crmWorkload({ seed: 'sigkill', items: 900, customers: 20 }), { seed: 'sigkill-order', maxPerBody: 3 });
  const total = BigInt(records.length);
  const expected = expectedContacts(records);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());
  // Some answers are slow: a kill then lands with a request at the CRM that is applied after its sender died.
  crm.script({ kind: 'delay', ms: 300 }, { times: Infinity, when: (r) => r.seq % 4 === 0 });
  const groupId = uniqueName('crm.group');
  const env = crmSyncEnv({
    topic,
    dlqTopic,
    database: testDatabase(t),
    crmUrl: crm.url,
    groupId,
    extra: { LOG_LEVEL: 'info', WABUS_MAX_BATCH: '25', CRM_CONCURRENCY: '1', WABUS_SESSION_TIMEOUT_MS: '6000' },
  });

  const killedAt: bigint[] = [];
  let inFlightAtKill = 0;
  for (let kill = 0; kill < 3; kill++) {
    const run = spawnCrmSync(t, env);
    // The signal: the CRM saw this run's n-th request (its answer may or may not have reached the process).
    await crm.waitForRequests(crm.requests.length + rng.int(10, 60));
    run.child.kill('SIGKILL');
    await run.exited;
    inFlightAtKill += crm.requests.filter((r) => r.outcome === undefined).length;
    killedAt.push(await committed(kafka, groupId, topic));
  }
  assert.ok(killedAt.every((c) => c < total), `killed mid-run each time (committed at kills: ${killedAt.join(', ')} of ${total})`);

  const last = spawnCrmSync(t, env);
  await waitUntil('the restarted crm-sync catches up', async () => (await committed(kafka, groupId, topic)) === total, 180_000);
  last.child.kill('SIGTERM');
  assert.equal(await last.exited, 0, `graceful stop\n${last.output.join('').slice(-2_000)}`);

  assert.deepEqual(asJson(crm.contacts), asJson(expected), 'the CRM holds exactly the fold of every event');
  assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
  t.diagnostic(`kills at committed ${killedAt.join(', ')} of ${total}; requests in flight at kills: ${inFlightAtKill}; CRM requests: ${crm.requests.length}, replayed answers: ${crm.requests.filter((r) => r.outcome?.kind === 'answered' && r.outcome.replayed).length}`);
});
