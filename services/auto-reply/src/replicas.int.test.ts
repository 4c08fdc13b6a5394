import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { churnReplicas, describeChurn, readTopic, testMongoClient, type ReplicaInstance, type ServiceProcess } from '@wabus/testing';
import { OUTBOX_COLLECTION, type OutboxEntry } from './outbox.ts';
import { inboundWorkload } from './workload.test-support.ts';
import { createTopics, EVERYTHING_RULES, judgeOutbox, serviceEnv, standIn, testDatabase, testKafka, writeRules } from './service.test-support.ts';

const MAIN = new URL('./main.ts', import.meta.url);

/** The outbox `owner` id a process logs at start (`rules loaded`). */
function ownerOf(run: ServiceProcess): string {
  const owner = /"owner":"([0-9a-f-]{36})"/.exec(run.output())?.[1];
  if (owner === undefined) throw new Error(`no owner in the output:\n${run.output().slice(0, 2_000)}`);
  return owner;
}

test(
  'auto-reply: 2 replicas of one group under churn (SIGKILLs, restarts, scale up and down, a freeze): never two replies to one message, each eligible one answered once or unknown because its process died',
  { timeout: 240_000 },
  async (t) => {
    const kafka = testKafka();
    const rng = createRng('ar-replicas');
    const graph = await standIn(t);
    // Slow answers, so that kills land while calls are in flight; Meta's throughput limit now and then (130429: the
    // send was turned away, retried after a backoff).
    graph.setDefault(() => (rng.chance(0.15) ? { kind: 'error', code: 130429, delayMs: rng.int(5, 20) } : { kind: 'ok', delayMs: rng.int(20, 80) }));
    const { topic, dlqTopic } = await createTopics(t, kafka, 12);
    const { records, messages } = inboundWorkload({ seed: 'replicas', customers: 120, messages: 1_200, nowMs: Date.now() });
    const eligible = messages.filter((m) => m.eligible);
    // Meta's duplicates: the same events again, later in the log.
    const all = [...records, ...records.filter((_, i) => i % 5 === 0)];
    const database = testDatabase(t);
    const env = serviceEnv({
      topic,
      dlqTopic,
      database,
      graphUrl: graph.url,
      rulesFile: await writeRules(EVERYTHING_RULES),
      env: {
        LOG_LEVEL: 'info',
        WABUS_MAX_BATCH: '20',
        WABUS_PARTITIONS_CONCURRENTLY: '6',
        WABUS_SESSION_TIMEOUT_MS: '6000',
        AUTO_REPLY_MAX_AGE_SECONDS: '3600',
        AUTO_REPLY_RATE_PER_SECOND: '300',
        AUTO_REPLY_RETRY_INITIAL_MS: '500',
        AUTO_REPLY_RETRY_MAX_MS: '2000',
      },
    });
    const groupId = env['WABUS_GROUP_ID']!;

    const churn = await churnReplicas(t, {
      kafka,
      groupId,
      topic,
      records: all,
      entry: MAIN,
      env,
      runningMessage: 'auto-reply running',
      replicas: 2,
      actions: ['restart', 'kill', 'add', 'remove', 'freeze', 'add'],
      rng: createRng('ar-churn'),
    });
    t.diagnostic(`${all.length} records, ${eligible.length} eligible messages; ${describeChurn(churn)}`);
    const owners = (which: (i: ReplicaInstance) => boolean) => new Set(churn.instances.filter(which).map((i) => ownerOf(i.run)));

    const outbox = await (await testMongoClient(t)).db(database).collection<OutboxEntry>(OUTBOX_COLLECTION).find().toArray();
    const judged = judgeOutbox({ outbox, requests: graph.requests, messages, killed: owners((i) => i.fate === 'killed'), frozen: owners((i) => i.frozen) });
    t.diagnostic(
      `${outbox.length} decisions: ${judged.sent} sent, ${judged.unknown} unknown (${judged.unknownButSent} of them did reach the Graph API); ${graph.requests.length} Graph API requests`,
    );
    assert.equal((await readTopic(kafka, dlqTopic)).length, 0);
  },
);
