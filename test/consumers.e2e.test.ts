import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { createKafka, createTopicsAndWait } from '@wabus/kafka';
import { highWatermarks, testEnv, topicSizeEntries, uniqueName } from '@wabus/testing';
import { caughtUp, freePort, startService, waitReady } from './processes.ts';

const fixturesDir = fileURLToPath(new URL('../../shared/fixtures/whatsapp/', import.meta.url));
const SECRET = 'e2e-consumers-secret';

interface Ids {
  messages: Set<string>;
  statuses: Set<string>;
}

function idsOf(doc: { entry?: { changes?: { value?: Record<string, unknown> }[] }[] }, into: Ids): void {
  for (const entry of doc.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const v = change.value ?? {};
      for (const m of [...((v['messages'] as { id?: string }[]) ?? []), ...((v['message_echoes'] as { id?: string }[]) ?? [])])
        if (m.id) into.messages.add(m.id);
      for (const s of (v['statuses'] as { id?: string }[]) ?? []) if (s.id) into.statuses.add(s.id);
    }
  }
}

test(
  'end to end: the shared fixtures posted (twice) to ingress end up as messages and statuses, each once',
  { skip: existsSync(fixturesDir) ? false : `fixtures folder ${fixturesDir} is absent`, timeout: 240_000 },
  async (t) => {
    const { kafkaBrokers, mongoUri } = testEnv();
    const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'e2e-consumers' });
    const admin = kafka.admin();
    await admin.connect();
    const raw = uniqueName('e2e.c.raw');
    const events = uniqueName('e2e.c.events');
    const names = { ms: uniqueName('e2e_ms'), st: uniqueName('e2e_st') };
    await createTopicsAndWait(admin, {
      topics: [raw, events, `${events}.dlq.ms`, `${events}.dlq.st`].map((topic) => ({
        topic,
        numPartitions: 4,
        configEntries: topicSizeEntries(),
      })),
    });
    const mongo = new MongoClient(mongoUri);
    await mongo.connect();
    t.after(async () => {
      await admin.deleteTopics({ topics: [raw, events, `${events}.dlq.ms`, `${events}.dlq.st`] }).catch(() => undefined);
      await admin.disconnect();
      for (const db of Object.values(names))
        await mongo
          .db(db)
          .dropDatabase()
          .catch(() => undefined);
      await mongo.close();
    });

    const common = { KAFKA_BROKERS: kafkaBrokers.join(','), MONGODB_URI: mongoUri, HOST: '127.0.0.1', WABUS_EVENTS_TOPIC: events, LOG_LEVEL: 'warn' };
    const ports = { ingress: await freePort(), ms: await freePort(), st: await freePort() };
    const ingress = startService('ingress', {
      ...common,
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PORT: String(ports.ingress),
      WHATSAPP_APP_SECRETS: SECRET,
      WHATSAPP_VERIFY_TOKEN: 'x',
      WABUS_RAW_TOPIC: raw,
    });
    const ms = startService('message-store', {
      ...common,
      MESSAGE_STORE_PORT: String(ports.ms),
      WABUS_GROUP_ID: names.ms,
      WABUS_DATABASE: names.ms,
      WABUS_DLQ_TOPIC: `${events}.dlq.ms`,
    });
    const st = startService('status-tracker', {
      ...common,
      STATUS_TRACKER_PORT: String(ports.st),
      WABUS_GROUP_ID: names.st,
      WABUS_DATABASE: names.st,
      WABUS_DLQ_TOPIC: `${events}.dlq.st`,
    });
    t.after(() => Promise.all([ingress.stop(), ms.stop(), st.stop()]));
    await Promise.all([
      waitReady(`http://127.0.0.1:${ports.ingress}/readyz`, ingress),
      waitReady(`http://127.0.0.1:${ports.ms}/readyz`, ms),
      waitReady(`http://127.0.0.1:${ports.st}/readyz`, st),
    ]);

    const ids: Ids = { messages: new Set(), statuses: new Set() };
    const files = readdirSync(fixturesDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const round of [1, 2]) {
      for (const file of files) {
        const body = readFileSync(`${fixturesDir}/${file}`);
        const res = await fetch(`http://127.0.0.1:${ports.ingress}/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
          body,
        });
        assert.equal(res.status, 200, `${file} (round ${round})`);
        if (round === 1) idsOf(JSON.parse(body.toString('utf8')), ids);
      }
    }
    const targets = await highWatermarks(admin, events);
    await Promise.all([caughtUp(`http://127.0.0.1:${ports.ms}`, ms, targets), caughtUp(`http://127.0.0.1:${ports.st}`, st, targets)]);

    for (const wamid of ids.messages) {
      const res = await fetch(`http://127.0.0.1:${ports.ms}/v1/messages/${encodeURIComponent(wamid)}`);
      assert.equal(res.status, 200, `message ${wamid}`);
    }
    for (const wamid of ids.statuses) {
      const res = await fetch(`http://127.0.0.1:${ports.st}/v1/statuses/${encodeURIComponent(wamid)}`);
      assert.equal(res.status, 200, `status ${wamid}`);
    }
    // Each once: one document per distinct id, although every fixture was delivered twice.
    const messageDocs = await mongo
      .db(names.ms)
      .collection('messages')
      .countDocuments({ received: { $ne: false } });
    assert.equal(messageDocs, ids.messages.size);
    assert.equal(await mongo.db(names.st).collection('statuses').countDocuments(), ids.statuses.size);
    const dlq = await Promise.all(
      [`${events}.dlq.ms`, `${events}.dlq.st`].map(async (topic) => [...(await highWatermarks(admin, topic)).values()].reduce((a, b) => a + b, 0n)),
    );
    assert.deepEqual(dlq, [0n, 0n], 'no fixture was dead-lettered');
  },
);
