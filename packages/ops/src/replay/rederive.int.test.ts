import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, encodeEvent, eventRecord, explodeWebhook, RECORD_HEADERS, splitIntoChunks, type EventRecord } from '@wabus/events';
import { createKafka, createProducer, type ProduceMessage, createTopicsAndWait } from '@wabus/kafka';
import { readTopic, testEnv, uniqueName } from '@wabus/testing';
import { tenantsOf } from '@wabus/tenants';
import { rederiveEvents } from './rederive.ts';

const ACME = { waba: '102290129340398', number: '106540352242922' };
const GLOBEX = { waba: '103000000000001', number: '107000000000001' };
const NOBODY = { waba: '109000000000001', number: '109000000000002' };

/** A body of one inbound text per (owner, wamid), each owner its own entry. */
function body(items: [typeof ACME, string][]): Buffer {
  const entry = items.map(([owner, wamid]) => ({
    id: owner.waba,
    changes: [
      {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550001111', phone_number_id: owner.number },
          contacts: [{ profile: { name: 'Zoë' }, wa_id: '5511999990000' }],
          messages: [{ from: '5511999990000', id: wamid, timestamp: '1700000100', type: 'text', text: { body: `hello ${wamid}` } }],
        },
      },
    ],
  }));
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry }));
}

interface Delivery {
  body: Buffer;
  receivedAt: number;
  /** What ingress wrote in wabus-tenant: the items' tenants, or the signer of a quarantined body; none before tenants. */
  tenants?: string;
  quarantined?: string;
}

/** The raw record ingress appends for a delivery (services/ingress publisher.ts: recordsFor). */
function rawRecord(d: Delivery): ProduceMessage {
  const exploded = explodeWebhook(d.body, { receivedAt: d.receivedAt });
  const headers: Record<string, string> = {
    [RECORD_HEADERS.deliveryId]: exploded.deliveryId,
    [RECORD_HEADERS.receivedAt]: String(d.receivedAt),
    [RECORD_HEADERS.secret]: 'app-secret-1',
    [RECORD_HEADERS.disposition]: d.quarantined === undefined ? 'accepted' : 'quarantined',
    'content-type': 'application/json',
  };
  if (d.tenants !== undefined) headers[RECORD_HEADERS.tenant] = d.tenants;
  if (d.quarantined !== undefined) headers[RECORD_HEADERS.quarantineReason] = d.quarantined;
  else if (exploded.ok) headers[RECORD_HEADERS.items] = String(exploded.events.length);
  return { key: exploded.deliveryId, value: d.body, headers, timestamp: String(d.receivedAt) };
}

/** The event records ingress appends for an accepted delivery, every event with `tenantId`. */
function ingressEvents(d: Delivery, tenantId: string | null): EventRecord[] {
  const exploded = explodeWebhook(d.body, { receivedAt: d.receivedAt });
  assert.ok(exploded.ok);
  return exploded.events.map((e) => eventRecord({ ...e, tenantId }, exploded.deliveryId, d.receivedAt, encodeEvent));
}

const view = (r: { key: string | null; value: Buffer | null; headers: Record<string, string>; timestamp: string }) => {
  const { [RECORD_HEADERS.rederived]: _id, ...headers } = r.headers;
  return JSON.stringify({ key: r.key, timestamp: r.timestamp, headers, value: r.value?.toString('base64') });
};

/** A raw and an events topic for one test, deleted after it. */
async function rederiveTopics(t: TestContext, partitions: number) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'rederive-test' });
  const rawTopic = uniqueName('rederive.raw');
  const eventsTopic = uniqueName('rederive.events');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, { topics: [rawTopic, eventsTopic].map((topic) => ({ topic, numPartitions: partitions })) });
  t.after(async () => {
    await admin.deleteTopics({ topics: [rawTopic, eventsTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return { kafka, rawTopic, eventsTopic };
}

test("replay rederive: each event gets the tenant of its raw record's wabus-tenant header, value and header as ingress writes them; owner quarantines stay", async (t) => {
  const { kafka, rawTopic, eventsTopic } = await rederiveTopics(t, 2);

  const at = Date.now() - 60_000;
  const acme: Delivery = {
    body: body([
      [ACME, 'wamid.acme.1'],
      [ACME, 'wamid.acme.2'],
    ]),
    receivedAt: at,
    tenants: 'acme',
  };
  const globex: Delivery = { body: body([[GLOBEX, 'wamid.globex.1']]), receivedAt: at + 1, tenants: 'globex' };
  const beforeTenants: Delivery = { body: body([[ACME, 'wamid.old.1']]), receivedAt: at + 2 };
  // One app secret shared by both tenants: the header lists both, which item is whose is not in the record.
  const both: Delivery = {
    body: body([
      [ACME, 'wamid.both.1'],
      [GLOBEX, 'wamid.both.2'],
    ]),
    receivedAt: at + 3,
    tenants: 'acme,globex',
  };
  // Quarantined by the parser of its day (the reason is its, the body is fine now): the signer is its tenant.
  const parserFixed: Delivery = { body: body([[GLOBEX, 'wamid.fixed.1']]), receivedAt: at + 4, tenants: 'globex', quarantined: 'bad_item' };
  // Signed by acme, naming globex's number; and a number nobody owns: never events, whatever the parser says.
  const mismatch: Delivery = { body: body([[GLOBEX, 'wamid.stolen.1']]), receivedAt: at + 5, tenants: 'acme', quarantined: 'tenant_mismatch' };
  const unowned: Delivery = { body: body([[NOBODY, 'wamid.nobody.1']]), receivedAt: at + 6, tenants: 'acme', quarantined: 'unknown_owner' };
  const producer = createProducer(kafka);
  await producer.send([{ topic: rawTopic, messages: [acme, globex, beforeTenants, both, parserFixed, mismatch, unowned].map(rawRecord) }]);
  await producer.close();

  const report = await rederiveEvents(kafka, { rawTopic, eventsTopic, sinceMs: at - 1_000, execute: true, id: 'rederive-tenants' });
  assert.deepEqual(
    {
      raw: report.rawRecords,
      accepted: report.accepted,
      nowAccepted: report.nowAccepted,
      quarantined: report.quarantined,
      events: report.events,
      produced: report.produced,
    },
    { raw: 7, accepted: 5, nowAccepted: 1, quarantined: { tenant_mismatch: 1, unknown_owner: 1 }, events: 7, produced: 7 },
  );

  const rebuilt = await readTopic(kafka, eventsTopic);
  assert.ok(rebuilt.every((r) => r.headers[RECORD_HEADERS.rederived] === 'rederive-tenants'));
  // Byte for byte what ingress appends for these bodies with these tenants: key, value (tenantId inside), headers.
  const expected = [
    ...ingressEvents(acme, 'acme'),
    ...ingressEvents(globex, 'globex'),
    ...ingressEvents(beforeTenants, null),
    ...ingressEvents(both, null),
    ...ingressEvents(parserFixed, 'globex'),
  ];
  assert.deepEqual(rebuilt.map(view).sort(), expected.map(view).sort());

  const tenantOf = new Map(
    rebuilt.map((r) => {
      const e = decodeEvent(r.value!);
      return [e.itemId, { tenantId: e.tenantId, header: r.headers[RECORD_HEADERS.tenant] ?? null }];
    }),
  );
  assert.deepEqual(Object.fromEntries([...tenantOf].sort()), {
    'wamid.acme.1': { tenantId: 'acme', header: 'acme' },
    'wamid.acme.2': { tenantId: 'acme', header: 'acme' },
    'wamid.both.1': { tenantId: null, header: null },
    'wamid.both.2': { tenantId: null, header: null },
    'wamid.fixed.1': { tenantId: 'globex', header: 'globex' },
    'wamid.globex.1': { tenantId: 'globex', header: 'globex' },
    'wamid.old.1': { tenantId: null, header: null },
  });
});

test("replay rederive --tenants-file: ownership checked again with the file in force: a number added to its signer since is admitted, a body naming another tenant's number stays out, each item of a two-tenant body gets its owner", async (t) => {
  const { kafka, rawTopic, eventsTopic } = await rederiveTopics(t, 1);
  const at = Date.now() - 60_000;
  const late: Delivery = { body: body([[NOBODY, 'wamid.late.1']]), receivedAt: at, tenants: 'acme', quarantined: 'unknown_owner' };
  const stolen: Delivery = { body: body([[GLOBEX, 'wamid.stolen.1']]), receivedAt: at + 1, tenants: 'acme', quarantined: 'tenant_mismatch' };
  const both: Delivery = {
    body: body([
      [ACME, 'wamid.both.1'],
      [GLOBEX, 'wamid.both.2'],
    ]),
    receivedAt: at + 2,
    tenants: 'acme,globex',
  };
  const beforeTenants: Delivery = { body: body([[GLOBEX, 'wamid.old.1']]), receivedAt: at + 3 };
  const producer = createProducer(kafka);
  await producer.send([{ topic: rawTopic, messages: [late, stolen, both, beforeTenants].map(rawRecord) }]);
  await producer.close();

  // Since ingress quarantined `late`, acme's new number was added to the file.
  const tenant = (id: string, owns: (typeof ACME)[]) => ({
    id,
    appSecrets: [],
    verifyToken: null,
    graphAccessToken: null,
    wabaIds: owns.map((o) => o.waba),
    phoneNumberIds: owns.map((o) => o.number),
    autoReplyRules: null,
    crm: null,
    meta: null,
    ownsAll: false,
  });
  const tenants = tenantsOf([tenant('acme', [ACME, NOBODY]), tenant('globex', [GLOBEX])], 'test');
  const report = await rederiveEvents(kafka, { rawTopic, eventsTopic, sinceMs: at - 1_000, execute: true, tenants });
  assert.deepEqual(
    { accepted: report.accepted, nowAccepted: report.nowAccepted, quarantined: report.quarantined },
    { accepted: 3, nowAccepted: 1, quarantined: { tenant_mismatch: 1 } },
  );
  const rebuilt = await readTopic(kafka, eventsTopic);
  const tenantOf = Object.fromEntries(
    rebuilt.map((r) => [decodeEvent(r.value!).itemId, [decodeEvent(r.value!).tenantId, r.headers[RECORD_HEADERS.tenant] ?? null]]).sort(),
  );
  assert.deepEqual(tenantOf, {
    'wamid.both.1': ['acme', 'acme'],
    'wamid.both.2': ['globex', 'globex'],
    'wamid.late.1': ['acme', 'acme'],
    'wamid.old.1': ['globex', 'globex'],
  });
});

test('replay rederive: bodies Kafka refused (events too large: kept whole; too large for the raw topic: kept in pieces) become their events, each once however often the body was delivered', async (t) => {
  const { kafka, rawTopic, eventsTopic } = await rederiveTopics(t, 3);
  const at = Date.now() - 60_000;
  const refusedEvents: Delivery = { body: body([[ACME, 'wamid.refused.1']]), receivedAt: at, tenants: 'acme', quarantined: 'events_too_large' };
  // Delivered twice by Meta (two deliveries, both quarantined): one set of events.
  const again: Delivery = { ...refusedEvents, receivedAt: at + 1 };
  const inPieces: Delivery = {
    body: body([
      [ACME, 'wamid.pieces.1'],
      [ACME, 'wamid.pieces.2'],
    ]),
    receivedAt: at + 2,
    tenants: 'acme',
    quarantined: 'too_large',
  };
  // Cut as ingress cuts a body the raw topic cannot take (services/ingress publisher.ts: recordsFor).
  const whole = rawRecord(inPieces);
  const pieces = splitIntoChunks({ ...whole, key: String(whole.key), value: inPieces.body, headers: whole.headers ?? {} }, 300);
  assert.ok(pieces.length >= 3);
  const producer = createProducer(kafka);
  await producer.send([{ topic: rawTopic, messages: [rawRecord(refusedEvents), pieces[0]!, rawRecord(again), ...pieces.slice(1)] }]);
  await producer.close();

  const report = await rederiveEvents(kafka, { rawTopic, eventsTopic, sinceMs: at - 1_000, execute: true, onlyMissing: true });
  assert.deepEqual(
    {
      raw: report.rawRecords,
      pieces: report.pieces,
      incomplete: report.incomplete,
      nowAccepted: report.nowAccepted,
      events: report.events,
      repeated: report.repeated,
    },
    { raw: 3, pieces: pieces.length, incomplete: 0, nowAccepted: 3, events: 3, repeated: 1 },
  );
  assert.equal(report.produced, 3);
  const rebuilt = await readTopic(kafka, eventsTopic);
  assert.deepEqual(rebuilt.map((r) => decodeEvent(r.value!).itemId).sort(), ['wamid.pieces.1', 'wamid.pieces.2', 'wamid.refused.1']);
  // Byte for byte what ingress would have appended had Kafka taken the bodies.
  assert.deepEqual(rebuilt.map(view).sort(), [...ingressEvents(refusedEvents, 'acme'), ...ingressEvents(inPieces, 'acme')].map(view).sort());
});
