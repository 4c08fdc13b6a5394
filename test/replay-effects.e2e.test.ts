import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createKafka, createTopicsAndWait } from '@wabus/kafka';
import { createBodyGenerator, signBody } from '@wabus/simulator';
import { startCrmStandIn, startGraphApiStandIn } from '@wabus/standins';
import { testEnv, topicSizeEntries, uniqueName } from '@wabus/testing';
import { freePort, groupAtEnd, startService, wabus, waitReady, type ServiceProcess } from './processes.ts';

const SECRET = 'e2e-effects-secret';
const GRAPH_TOKEN = 'e2e-graph-token';
const CRM_TOKEN = 'e2e-crm-token';
const CRM_SECRET = 'e2e-crm-signing';

test('replays of auto-reply and crm-sync (reset and shadow) send nothing to the Graph API or the CRM', { timeout: 300_000 }, async (t) => {
  const { kafkaBrokers, mongoUri } = testEnv();
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'e2e-replay-effects' });
  const admin = kafka.admin();
  await admin.connect();
  const raw = uniqueName('e2e.fx.raw');
  const events = uniqueName('e2e.fx.events');
  const topics = [raw, events, `${events}.dlq.auto-reply`, `${events}.dlq.crm-sync`, `${events}.dlq.auto-reply.shadow`, `${events}.dlq.crm-sync.shadow`];
  // infra/topics.json's size limit: ingress refuses to start on topics that could not store a body of its limit.
  const configEntries = topicSizeEntries();
  await createTopicsAndWait(admin, { topics: topics.map((topic) => ({ topic, numPartitions: topic.includes('.dlq.') ? 1 : 3, configEntries })) });
  const graph = await startGraphApiStandIn({ accessToken: GRAPH_TOKEN });
  const crm = await startCrmStandIn({ token: CRM_TOKEN, secret: CRM_SECRET });
  const group = { ar: uniqueName('e2e.fx.ar'), crm: uniqueName('e2e.fx.crm') };
  const db = { ar: uniqueName('e2e_fx_ar'), crm: uniqueName('e2e_fx_crm') };
  const mongo = new MongoClient(mongoUri);
  await mongo.connect();
  const dir = await mkdtemp(join(tmpdir(), 'e2e-fx-'));
  const rules = join(dir, 'rules.json');
  await writeFile(rules, JSON.stringify({ rules: [{ id: 'fallback', when: { default: true }, reply: { text: 'Thanks, we got your message.' } }] }));
  const running: ServiceProcess[] = [];
  t.after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await graph.close();
    await crm.close();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    const { databases } = await mongo.db('admin').admin().listDatabases({ nameOnly: true });
    for (const d of databases)
      if (d.name.startsWith(db.ar) || d.name.startsWith(db.crm))
        await mongo
          .db(d.name)
          .dropDatabase()
          .catch(() => undefined);
    await mongo.close();
  });

  const common = { KAFKA_BROKERS: kafkaBrokers.join(','), MONGODB_URI: mongoUri, HOST: '127.0.0.1', WABUS_EVENTS_TOPIC: events, LOG_LEVEL: 'warn' };
  // What each service needs to reach its outside system: the CLI passes its environment to a shadow it starts.
  const outside = {
    AUTO_REPLY_RULES: rules,
    WHATSAPP_GRAPH_BASE_URL: graph.url,
    WHATSAPP_ACCESS_TOKEN: GRAPH_TOKEN,
    AUTO_REPLY_RECIPIENT_INTERVAL_MS: '0',
    AUTO_REPLY_RATE_PER_SECOND: '1000',
    CRM_BASE_URL: crm.url,
    CRM_AUTH_TOKEN: CRM_TOKEN,
    CRM_SIGNING_SECRET: CRM_SECRET,
  };
  const start = async (svc: 'ar' | 'crm') => {
    const port = await freePort();
    const p = startService(svc === 'ar' ? 'auto-reply' : 'crm-sync', {
      ...common,
      ...outside,
      [svc === 'ar' ? 'AUTO_REPLY_PORT' : 'CRM_SYNC_PORT']: String(port),
      WABUS_GROUP_ID: group[svc],
      WABUS_DATABASE: db[svc],
      WABUS_DLQ_TOPIC: `${events}.dlq.${svc === 'ar' ? 'auto-reply' : 'crm-sync'}`,
    });
    running.push(p);
    await waitReady(`http://127.0.0.1:${port}/readyz`, p, 60_000);
    return p;
  };
  const atEnd = (groupId: string) => groupAtEnd(kafka, groupId, events);

  const ingressPort = await freePort();
  const ingress = startService('ingress', {
    ...common,
    INGRESS_HOST: '127.0.0.1',
    INGRESS_PORT: String(ingressPort),
    WHATSAPP_APP_SECRETS: SECRET,
    WHATSAPP_VERIFY_TOKEN: 'x',
    WABUS_RAW_TOPIC: raw,
  });
  running.push(ingress);
  await waitReady(`http://127.0.0.1:${ingressPort}/readyz`, ingress, 60_000);
  let ar = await start('ar');
  let cs = await start('crm');
  const gen = createBodyGenerator({ seed: 'e2e-effects', kinds: ['text'], batch: 2, customers: 6 });
  for (let i = 0; i < 12; i++) {
    const { body } = gen.next();
    const res = await fetch(`http://127.0.0.1:${ingressPort}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) },
      body,
    });
    assert.equal(res.status, 200);
  }
  await Promise.all([atEnd(group.ar), atEnd(group.crm)]);
  const sent = { graph: graph.requests.length, crm: crm.requests.length };
  assert.ok(sent.graph >= 24, `live: every inbound text answered (${sent.graph} Graph API calls)`);
  assert.ok(sent.crm >= 1, `live: contacts synced (${sent.crm} CRM calls)`);

  // Reset replay of both from the beginning: the services apply everything again, marked as replay.
  await Promise.all([ar.stop(), cs.stop()]);
  const cliEnv = { ...common, ...outside };
  for (const [svc, name] of [
    ['ar', 'auto-reply'],
    ['crm', 'crm-sync'],
  ] as const) {
    const out = await wabus(['replay', 'reset', '--service', name, '--topic', events, '--group', group[svc], '--from', 'beginning', '--execute'], cliEnv);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /marked wabus-replay: no outside effects/);
  }
  ar = await start('ar');
  cs = await start('crm');
  await Promise.all([atEnd(group.ar), atEnd(group.crm)]);
  assert.deepEqual({ graph: graph.requests.length, crm: crm.requests.length }, sent, 'a reset replay called nobody');

  // Shadow replays start with empty databases (so nothing there says "already answered"): still nothing is sent.
  for (const name of ['auto-reply', 'crm-sync']) {
    const out = await wabus(
      [
        'replay',
        'shadow',
        '--service',
        name,
        '--topic',
        events,
        '--group',
        group[name === 'auto-reply' ? 'ar' : 'crm'],
        '--database',
        db[name === 'auto-reply' ? 'ar' : 'crm'],
        '--label',
        'fx',
        '--execute',
      ],
      cliEnv,
      120_000,
    );
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /record\(s\) replayed into/);
  }
  assert.deepEqual({ graph: graph.requests.length, crm: crm.requests.length }, sent, 'a shadow replay called nobody');
  assert.ok((await mongo.db(`${db.crm}__shadow_fx`).listCollections().toArray()).length > 0, 'the crm-sync shadow did fold its state');

  // The services still act on live traffic after the replays.
  const { body } = gen.next();
  const res = await fetch(`http://127.0.0.1:${ingressPort}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) },
    body,
  });
  assert.equal(res.status, 200);
  await graph.waitForRequests(sent.graph + 2);
  assert.equal(graph.requests.length, sent.graph + 2, 'the next live messages are answered, once each');
});
