import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BSON, MongoClient } from 'mongodb';
import { createKafka, fetchGroupOffsets, parseReplayMark, createTopicsAndWait } from '@wabus/kafka';
import { createBodyGenerator, signBody } from '@wabus/simulator';
import { highWatermarks, produceRecords, readTopic, testEnv, topicSizeEntries, uniqueName, waitUntil } from '@wabus/testing';
import type { SendEvent } from '@wabus/events';
import { freePort, groupAtEnd, startService, wabus, waitReady, type ServiceProcess } from './processes.ts';

/**
 * Replay, shadow, diff and re-derive through the CLI, against services running as their own processes, the way the
 * README's runbook tells the platform team to do it.
 */
const SECRET = 'e2e-replay-secret';
const { kafkaBrokers, mongoUri } = testEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'e2e-replay' });
let admin: ReturnType<typeof kafka.admin>;
let mongo: MongoClient;
const raw = uniqueName('e2e.r.raw');
const events = uniqueName('e2e.r.events');
/** What the sender appends: status-tracker joins each sent send to its statuses (and rebuilds that join in replays). */
const sends = uniqueName('e2e.r.sends');
const group = { ms: uniqueName('e2e.r.ms'), st: uniqueName('e2e.r.st') };
const db = { ms: uniqueName('e2e_r_ms'), st: uniqueName('e2e_r_st') };
const topics = [
  raw,
  events,
  sends,
  `${events}.dlq.message-store`,
  `${events}.dlq.status-tracker`,
  `${events}.dlq.message-store.shadow`,
  `${events}.dlq.status-tracker.shadow`,
];
const common = { KAFKA_BROKERS: kafkaBrokers.join(','), MONGODB_URI: mongoUri, HOST: '127.0.0.1', WABUS_EVENTS_TOPIC: events, LOG_LEVEL: 'warn' };
// The CLI reads status-tracker's own variable for the sends topic, as the service does.
const cliEnv = { KAFKA_BROKERS: kafkaBrokers.join(','), MONGODB_URI: mongoUri, STATUS_TRACKER_SENDS_TOPIC: sends };
let ingress: ServiceProcess;
let ingressPort = 0;
let startedAt = 0;

const env = (svc: 'ms' | 'st', port: number) => ({
  ...common,
  [svc === 'ms' ? 'MESSAGE_STORE_PORT' : 'STATUS_TRACKER_PORT']: String(port),
  WABUS_GROUP_ID: group[svc],
  WABUS_DATABASE: db[svc],
  WABUS_DLQ_TOPIC: `${events}.dlq.${svc === 'ms' ? 'message-store' : 'status-tracker'}`,
  ...(svc === 'st' ? { STATUS_TRACKER_SENDS_TOPIC: sends } : {}),
});

const ports: Record<'ms' | 'st', number> = { ms: 0, st: 0 };

async function startConsumer(svc: 'ms' | 'st'): Promise<ServiceProcess> {
  const port = await freePort();
  ports[svc] = port;
  const p = startService(svc === 'ms' ? 'message-store' : 'status-tracker', env(svc, port));
  await waitReady(`http://127.0.0.1:${port}/readyz`, p, 60_000);
  return p;
}

const committedToEnd = (groupId: string) => groupAtEnd(kafka, groupId, events);

/** Every document of every collection, as BSON bytes, in a stable order: "byte-identical" means equal dumps. */
async function dump(database: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const collections = (await mongo.db(database).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const c of collections) {
    for await (const doc of mongo.db(database).collection(c).find({})) {
      out.set(`${c}/${BSON.EJSON.stringify(doc._id, { relaxed: false })}`, Buffer.from(BSON.serialize(doc)).toString('base64'));
    }
  }
  return out;
}

async function post(body: Buffer): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${ingressPort}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) },
    body,
  });
  assert.equal(res.status, 200, await res.text());
}

let ms: ServiceProcess;
let st: ServiceProcess;

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  // infra/topics.json's size limit: ingress refuses to start on topics that could not store a body of its limit.
  const configEntries = topicSizeEntries();
  await createTopicsAndWait(admin, {
    topics: topics.map((topic) => ({ topic, numPartitions: topic.endsWith('shadow') || topic.includes('.dlq.') ? 1 : 4, configEntries })),
  });
  mongo = new MongoClient(mongoUri);
  await mongo.connect();
  startedAt = Date.now() - 1_000;
  ingressPort = await freePort();
  ingress = startService('ingress', {
    ...common,
    INGRESS_HOST: '127.0.0.1',
    INGRESS_PORT: String(ingressPort),
    WHATSAPP_APP_SECRETS: SECRET,
    WHATSAPP_VERIFY_TOKEN: 'x',
    WABUS_RAW_TOPIC: raw,
  });
  await waitReady(`http://127.0.0.1:${ingressPort}/readyz`, ingress, 60_000);
  [ms, st] = await Promise.all([startConsumer('ms'), startConsumer('st')]);
  // Every kind, reactions/edits/revokes and statuses among them; some bodies posted twice, as Meta retries.
  const gen = createBodyGenerator({ seed: 'e2e-replay', mix: 'uniform', batch: 4, customers: 12 });
  for (let i = 0; i < 60; i++) {
    const { body } = gen.next();
    await post(body);
    if (i % 10 === 0) await post(body);
  }
  await Promise.all([committedToEnd(group.ms), committedToEnd(group.st)]);
  // Sends of half the tracked messages, and of two that have no status yet, each appended twice (the sweep's copy).
  const wamids = (
    await mongo
      .db(db.st)
      .collection<{ _id: string }>('statuses')
      .find({}, { sort: { _id: 1 } })
      .toArray()
  ).map((d) => d._id);
  const sent = [...wamids.filter((_, i) => i % 2 === 0), 'wamid.e2e-replay-no-status-1', 'wamid.e2e-replay-no-status-2'].map((wamid, i): SendEvent => ({
    sendId: `snd_e2e${String(i).padStart(4, '0')}`,
    state: 'sent',
    tenantId: 'default',
    phoneNumberId: '106540352242922',
    customer: '5511999990001',
    type: 'text',
    wamid,
    error: null,
    at: '2026-12-06T10:00:00.000Z',
  }));
  const records = sent.map((e) => ({ key: e.phoneNumberId, value: Buffer.from(JSON.stringify(e)) }));
  await produceRecords(kafka, sends, [...records, ...records]);
  await groupAtEnd(kafka, `${group.st}.sends`, sends);
});

after(async () => {
  await Promise.all([ingress?.stop(), ms?.stop(), st?.stop()]);
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  const { databases } = await mongo.db('admin').admin().listDatabases({ nameOnly: true });
  for (const d of databases)
    if (d.name.startsWith(db.ms) || d.name.startsWith(db.st))
      await mongo
        .db(d.name)
        .dropDatabase()
        .catch(() => undefined);
  await mongo.close();
});

const resetArgs = (svc: 'ms' | 'st') => [
  'replay',
  'reset',
  '--service',
  svc === 'ms' ? 'message-store' : 'status-tracker',
  '--topic',
  events,
  '--group',
  group[svc],
];

test('replay reset: a dry run changes nothing; --execute refuses while the group has a live member (WABUS_OPS_GROUP_LIVE)', async () => {
  const before = await fetchGroupOffsets(kafka, group.ms, events);
  const dry = await wabus([...resetArgs('ms'), '--from', 'beginning'], cliEnv);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /summary \(dry run\): \d+ record\(s\) would be replayed; nothing was changed/);
  assert.match(dry.stdout, /live member/);
  const live = await wabus([...resetArgs('ms'), '--from', 'beginning', '--execute'], cliEnv);
  assert.equal(live.code, 1);
  assert.match(live.stderr, /WABUS_OPS_GROUP_LIVE: group .* has 1 live member/);
  assert.deepEqual(await fetchGroupOffsets(kafka, group.ms, events), before, 'offsets untouched');
  const bad = await wabus([...resetArgs('ms'), '--from', '0=nope'], cliEnv);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /WABUS_OPS_BAD_OFFSET: --from expects <offset> or <partition>=<offset>/);
  const time = await wabus([...resetArgs('ms'), '--from', 'yesterday'], cliEnv);
  assert.equal(time.code, 1);
  assert.match(time.stderr, /WABUS_OPS_BAD_TIME: --from expects beginning, an offset/);
  const missing = await wabus([...resetArgs('ms'), '--topic', 'no.such.topic'], cliEnv);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /WABUS_OPS_TOPIC_MISSING/);
  const far = await wabus([...resetArgs('ms'), '--from', '99=0'], cliEnv);
  assert.match(far.stderr, /WABUS_OPS_BAD_OFFSET: --from: the topic has no partition 99/);
});

test('replay reset from offset 0 of message-store and status-tracker leaves both databases byte-identical, the replay marked and counted', async () => {
  const before = { ms: await dump(db.ms), st: await dump(db.st) };
  assert.ok(before.ms.size > 20 && before.st.size > 5, `a real workload (${before.ms.size} / ${before.st.size} documents)`);
  const joined = await mongo
    .db(db.st)
    .collection('statuses')
    .countDocuments({ send: { $ne: null } });
  assert.ok(joined > 3, `status-tracker joined sends (${joined} documents name theirs)`);
  await Promise.all([ms.stop(), st.stop()]);
  const ends = await highWatermarks(admin, events);
  const total = [...ends.values()].reduce((a, b) => a + b, 0n);
  const armed = async (svc: 'ms' | 'st') => {
    const offsets = await fetchGroupOffsets(kafka, group[svc], events);
    return offsets.every((o) => ends.get(o.partition) === 0n || (o.offset === '0' && parseReplayMark(o.metadata)?.frontier === ends.get(o.partition)));
  };
  const out = await wabus([...resetArgs('ms'), '--from', '0', '--execute', '--id', 'full-ms', '--wait', '10s'], cliEnv);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`offsets of ${group.ms} moved: ${total} record\\(s\\) will be replayed`));
  assert.ok(await armed('ms'), 'every partition at 0 with a mark whose frontier is the end');
  // status-tracker's with --follow: the command arms the replay, then follows the group until it is past it.
  const followed = wabus([...resetArgs('st'), '--from', '0', '--execute', '--id', 'full-st', '--follow'], cliEnv, 180_000);
  await waitUntil("the follow command armed status-tracker's replay", () => armed('st'), { timeoutMs: 30_000 });
  const groups = await wabus(['groups', '--topic', events, '--group', group.ms, '--probe', 'http://127.0.0.1:9', '--probe-timeout', '200ms'], cliEnv);
  assert.equal(groups.code, 0, groups.stderr);
  assert.match(groups.stdout, /replaying full-ms up to \d+, live from \d+/, 'groups shows the armed replay');
  [ms, st] = await Promise.all([startConsumer('ms'), startConsumer('st')]);
  await Promise.all([committedToEnd(group.ms), committedToEnd(group.st)]);
  const follow = await followed;
  assert.equal(follow.code, 0, follow.stderr);
  assert.match(follow.stdout, new RegExp(`with it, all of ${sends} again through ${group.st}\\.sends`), 'the sends are replayed with the events');
  assert.match(follow.stdout, new RegExp(`summary: replay full-st finished in \\S+: ${total} record\\(s\\) replayed through ${group.st}`));
  assert.match(follow.stderr, /replay full-st \[#+\] 100% /, 'a progress line');
  assert.deepEqual(await dump(db.ms), before.ms, 'message-store: byte-identical');
  assert.deepEqual(await dump(db.st), before.st, 'status-tracker: byte-identical');
  for (const svc of ['ms', 'st'] as const) {
    const text = await (await fetch(`http://127.0.0.1:${ports[svc]}/metrics`)).text();
    const replayed = /^wabus_consumer_replay_events_total\{outcome="replayed"[^}]*\} (\d+)$/m.exec(text);
    assert.equal(replayed?.[1], String(total), `${svc}: every record counted as replayed`);
  }
});

test('replay shadow after corrupting one live document: the diff shows exactly that document, and nothing else', async () => {
  const victim = await mongo
    .db(db.ms)
    .collection<{ _id: string }>('messages')
    .findOne({}, { sort: { _id: 1 } });
  assert.ok(victim);
  await mongo
    .db(db.ms)
    .collection<{ _id: string }>('messages')
    .updateOne({ _id: victim._id }, { $set: { corrupted: true } });
  const label = 'e2e1';
  const args = ['--service', 'message-store', '--topic', events, '--group', group.ms, '--database', db.ms];
  const dry = await wabus(['replay', 'shadow', ...args, '--label', label], cliEnv);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /summary \(dry run\)/);
  const shadow = await wabus(['replay', 'shadow', ...args, '--label', label, '--execute'], cliEnv, 120_000);
  assert.equal(shadow.code, 0, shadow.stderr);
  assert.match(shadow.stdout, new RegExp(`replayed into ${db.ms}__shadow_${label}`));
  const diff = await wabus(['replay', 'diff', '--service', 'message-store', '--database', db.ms, '--label', label, '--json'], cliEnv);
  assert.equal(diff.code, 3, `exit 3: different\n${diff.stderr}`);
  const report = JSON.parse(diff.stdout) as {
    totals: { added: number; removed: number; changed: number };
    collections: { name: string; changed: { id: string; fields: string[] }[] }[];
  };
  assert.deepEqual(report.totals, { added: 0, removed: 0, changed: 1, identical: false });
  const messages = report.collections.find((c) => c.name === 'messages');
  assert.deepEqual(messages?.changed, [{ id: victim._id, fields: ['corrupted'] }]);
  const again = await wabus(['replay', 'shadow', ...args, '--label', label, '--execute'], cliEnv);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /WABUS_OPS_SHADOW_EXISTS/);
  const missing = await wabus(['replay', 'diff', '--service', 'message-store', '--database', db.ms, '--label', 'nosuch'], cliEnv);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /WABUS_OPS_DATABASE_MISSING/);
});

test('replay rederive: events rebuilt from the raw topic have the same ids, keys and bytes as those ingress appended', async () => {
  const since = new Date(startedAt).toISOString();
  const original = await readTopic(kafka, events);
  const dry = await wabus(['replay', 'rederive', '--since', since, '--raw-topic', raw, '--topic', events, '--json'], cliEnv);
  assert.equal(dry.code, 0, dry.stderr);
  const report = JSON.parse(dry.stdout) as {
    rawRecords: number;
    events: number;
    repeated: number;
    alreadyOnTopic: number;
    missing: number;
    executed: boolean;
  };
  assert.equal(report.executed, false);
  // Bodies posted twice were appended twice by ingress (same event ids); rederive derives each event once.
  const originalIds = new Set(original.map((r) => r.headers['wabus-event-id']));
  assert.ok(originalIds.size < original.length, 'the workload re-posted some bodies');
  assert.equal(report.events, originalIds.size, 'every event derived again, once');
  assert.equal(report.events + report.repeated, original.length, 'each re-posted copy counted as repeated');
  assert.equal(report.alreadyOnTopic, originalIds.size);
  assert.equal(report.missing, 0);

  const fresh = uniqueName('e2e.r.rederived');
  await createTopicsAndWait(admin, { topics: [{ topic: fresh, numPartitions: 4, configEntries: topicSizeEntries() }] });
  try {
    const out = await wabus(
      ['replay', 'rederive', '--since', since, '--raw-topic', raw, '--topic', fresh, '--execute', '--id', 'e2e-rederive', '--json'],
      cliEnv,
    );
    assert.equal(out.code, 0, out.stderr);
    const rebuilt = await readTopic(kafka, fresh);
    const view = (r: { key: string | null; value: Buffer | null; headers: Record<string, string>; timestamp: string }) =>
      `${r.headers['wabus-event-id']} ${r.key} ${r.timestamp} ${r.value?.toString('base64')}`;
    // One record per event id; each is, byte for byte (id, key, receipt time, value), a record ingress appended.
    assert.deepEqual(new Set(rebuilt.map((r) => r.headers['wabus-event-id'])), originalIds);
    assert.equal(rebuilt.length, originalIds.size);
    const originalViews = new Set(original.map(view));
    assert.deepEqual(
      rebuilt.map(view).filter((v) => !originalViews.has(v)),
      [],
    );
    assert.ok(rebuilt.every((r) => r.headers['wabus-rederived'] === 'e2e-rederive'));
  } finally {
    await admin.deleteTopics({ topics: [fresh] }).catch(() => undefined);
  }
});

test('replay shadow of status-tracker rebuilds the sends join too: the shadow equals live, byte for byte', async () => {
  const label = 'e2est';
  const args = ['--service', 'status-tracker', '--topic', events, '--group', group.st, '--database', db.st, '--label', label];
  const shadow = await wabus(['replay', 'shadow', ...args, '--execute'], cliEnv, 120_000);
  assert.equal(shadow.code, 0, shadow.stderr);
  assert.match(shadow.stdout, new RegExp(`with it, all of ${sends} again through ${group.st}\\.shadow\\.${label}\\.sends`));
  const diff = await wabus(['replay', 'diff', '--service', 'status-tracker', '--database', db.st, '--label', label, '--json'], cliEnv);
  assert.equal(diff.code, 0, `exit 0: identical\n${diff.stdout}\n${diff.stderr}`);
  const joined = await mongo
    .db(`${db.st}__shadow_${label}`)
    .collection('statuses')
    .countDocuments({ send: { $ne: null } });
  assert.equal(
    joined,
    await mongo
      .db(db.st)
      .collection('statuses')
      .countDocuments({ send: { $ne: null } }),
    'as many documents name their send',
  );
});
