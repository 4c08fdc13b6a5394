import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { pino } from 'pino';
import { createKafka } from '@wabus/kafka';
import { startGraphApiStandIn, type GraphApiStandIn, type GraphRequest } from '@wabus/standins';
import { createEventTopics, produceRecords, stopAfterTest, testDatabase as testDatabaseFor, testEnv, uniqueName, type RecordToProduce } from '@wabus/testing';
import type { OutboxEntry } from './outbox.ts';
import { OUTBOX_COLLECTION } from './outbox.ts';
import { serviceFacts } from '@wabus/service/registry';
import { autoReplyService } from './auto-reply-service.ts';
import { SERVICE_NAME, startAutoReply, type AutoReplyService } from './start-auto-reply.ts';
import type { WorkloadMessage } from './workload.test-support.ts';

export const TOKEN = 'auto-reply-test-token';
export const testKafka = (): Kafka => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'auto-reply-test' });

/** An events topic and its DLQ for one test, deleted after it. */
export const createTopics = (t: TestContext, kafka: Kafka, partitions = 3) => createEventTopics(t, kafka, { prefix: 'ar.events', partitions });

export const produce = (kafka: Kafka, topic: string, records: readonly RecordToProduce[]): Promise<void> => produceRecords(kafka, topic, records);

/** A database name for this test, dropped after it. */
export const testDatabase = (t: TestContext): string => testDatabaseFor(t, { prefix: 'ar' });

export async function writeRules(doc: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'auto-reply-'));
  const file = join(dir, 'rules.json');
  await writeFile(file, JSON.stringify(doc));
  return file;
}

/** Every answerable message gets one reply: the greeting first in a conversation, the fallback after. */
export const EVERYTHING_RULES = {
  rules: [
    { id: 'greeting', when: { greeting: true }, reply: { buttons: { body: 'Welcome!', buttons: [{ id: 'menu', title: 'Menu' }] } } },
    { id: 'fallback', when: { default: true }, reply: { text: 'Thanks, we got your message.' } },
  ],
};

export async function standIn(t: TestContext): Promise<GraphApiStandIn> {
  const s = await startGraphApiStandIn({ accessToken: TOKEN });
  t.after(() => s.close());
  return s;
}

/** The environment main.ts would get, for this test's topic, group, database and stand-in. */
export function serviceEnv(o: {
  topic: string;
  dlqTopic: string;
  database: string;
  graphUrl: string;
  rulesFile: string;
  groupId?: string;
  env?: Record<string, string>;
}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    AUTO_REPLY_PORT: '0',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: o.topic,
    WABUS_DLQ_TOPIC: o.dlqTopic,
    WABUS_GROUP_ID: o.groupId ?? uniqueName('ar.group'),
    WABUS_DATABASE: o.database,
    AUTO_REPLY_RULES: o.rulesFile,
    WHATSAPP_GRAPH_BASE_URL: o.graphUrl,
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    AUTO_REPLY_RECIPIENT_INTERVAL_MS: '0',
    AUTO_REPLY_RATE_PER_SECOND: '1000',
    AUTO_REPLY_RETRY_INITIAL_MS: '20',
    AUTO_REPLY_RETRY_MAX_MS: '200',
    LOG_LEVEL: 'silent',
    ...o.env,
  };
}

/** auto-reply in process, wired as main.ts wires it; `now` replaces the clock (the limiters' and the decisions'). */
export async function startService(t: TestContext, env: Record<string, string>, o: { now?: () => number } = {}): Promise<AutoReplyService> {
  return stopAfterTest(t, await startAutoReply({ ...autoReplyService.config(serviceFacts(SERVICE_NAME), env), logger: pino({ level: 'silent' }), now: o.now }));
}

export const readOutbox = (service: { db: { collection: AutoReplyService['db']['collection'] } }): Promise<OutboxEntry[]> =>
  service.db.collection<OutboxEntry>(OUTBOX_COLLECTION).find().sort({ _id: 1 }).toArray();

/** The inbound wamid a recorded request answers (`context.message_id`), null for mark-as-read. */
export const repliesTo = (r: GraphRequest): string | null => (r.body as { context?: { message_id?: string } } | undefined)?.context?.message_id ?? null;

/** Replies per inbound wamid (mark-as-read requests left out). */
export function repliesByInbound(requests: readonly GraphRequest[]): Map<string, GraphRequest[]> {
  const out = new Map<string, GraphRequest[]>();
  for (const r of requests) {
    const to = repliesTo(r);
    if (to === null) continue;
    out.set(to, [...(out.get(to) ?? []), r]);
  }
  return out;
}

export async function counter(service: AutoReplyService, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await service.metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0) ?? 0;
}

/**
 * The outbox after a crash or churn test, judged against what the Graph API stand-in accepted (a refused send
 * reached nobody): never two replies to one message, none to one not eligible; every eligible message decided once;
 * `sent` exactly when Meta accepted it, with its wamid; otherwise `unknown` because the process that claimed the
 * call was SIGKILLed (`orphaned`) or frozen past its session (then also the outcome of its own call, which woke up on
 * dead connections), and with no reply if it was never called. `killed` / `frozen`: owner ids of those processes,
 * when the test knows them (else any owner may have died). Returns the tallies.
 */
export function judgeOutbox(o: {
  outbox: readonly OutboxEntry[];
  requests: readonly GraphRequest[];
  messages: readonly WorkloadMessage[];
  killed?: ReadonlySet<string>;
  frozen?: ReadonlySet<string>;
}): { sent: number; unknown: number; unknownButSent: number } {
  const replies = repliesByInbound(o.requests.filter((r) => r.status === 200));
  const eligible = o.messages.filter((m) => m.eligible);
  for (const m of o.messages) assert.ok((replies.get(m.wamid)?.length ?? 0) <= (m.eligible ? 1 : 0), `${m.wamid}: never two replies, none when not eligible`);
  assert.deepEqual(o.outbox.map((e) => e.inbound.wamid).sort(), eligible.map((m) => m.wamid).sort(), 'every eligible message decided exactly once');
  const out = { sent: 0, unknown: 0, unknownButSent: 0 };
  for (const e of o.outbox) {
    const sent = replies.get(e.inbound.wamid) ?? [];
    if (e.state === 'sent') {
      assert.equal(sent.length, 1, `${e._id}: sent, and Meta accepted it once`);
      assert.equal(e.reply?.wamid, sent[0]!.wamid);
      out.sent++;
      continue;
    }
    assert.equal(e.state, 'unknown', `${e._id}: ${e.state} (owner ${e.owner}, attempts ${e.attempts})`);
    const frozen = o.frozen?.has(e.owner) ?? false;
    if (!frozen) assert.equal(e.unknown?.reason, 'orphaned', `${e._id}: unknown for ${e.unknown?.reason}`);
    if (o.killed)
      assert.ok(
        frozen || o.killed.has(e.owner),
        `${e._id}: unknown, but its owner ${e.owner} was neither killed nor frozen (attempts ${e.attempts}, ${sent.length} replies)`,
      );
    if (e.attempts === 0) assert.equal(sent.length, 0, `${e._id}: attempts 0, so the request certainly never left`);
    out.unknown++;
    if (sent.length === 1) out.unknownButSent++;
  }
  assert.equal(out.sent + out.unknown, eligible.length);
  return out;
}
