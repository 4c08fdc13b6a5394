import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createProducer, createKafka, createTopicsAndWait } from '@wabus/kafka';
import { highWatermarks, readTopic, testEnv, topicSizeEntries, uniqueName, type ReadRecord } from '@wabus/testing';
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.ts';
import { caughtUp, freePort, startService, waitReady, type ServiceProcess } from './processes.ts';

/**
 * The span model under test (packages/kafka/src/consumer/consumer-tracing.ts, services/ingress/src/publisher.ts):
 *
 *   ingress   SERVER `POST /webhook` ─▶ PRODUCER `publish <events>` per item (its context is the record's traceparent;
 *             the raw body's record carries the server span's)
 *   consumer  CONSUMER `process <events>` per record, child of that PRODUCER span
 *             └ INTERNAL `handle <events>` per handler call: child of the record span when the call has one record;
 *               with several, a root that links to each record span, each record span linking back
 *                 └ CLIENT MongoDB spans (`find`, `insert`, `update` …)
 *             PRODUCER `publish <dlq>` per dead letter, child of its record span
 */

const SECRET = 'tracing-e2e-app-secret-5b1c';
const VERIFY_TOKEN = 'tracing-e2e-verify-token-77d2';
const BODY_TEXT = 'tracing e2e private words';
/** The customers' phone numbers (`wa_id`): in event keys, masked in every span (as in log lines). */
const CUSTOMERS = ['4915112345678', '34600111222'] as const;
const PHONE_NUMBER_ID = '106540352242922';
const metadata = { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID };
// Two customers; each has messages and statuses, so the records of one customer share a partition.
const BODY = Buffer.from(
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata,
              contacts: [
                { profile: { name: 'Ana' }, wa_id: CUSTOMERS[0] },
                { profile: { name: 'Bo' }, wa_id: CUSTOMERS[1] },
              ],
              messages: [
                { from: CUSTOMERS[0], id: 'wamid.TRACE1', timestamp: '1731705721', type: 'text', text: { body: `${BODY_TEXT} one` } },
                { from: CUSTOMERS[1], id: 'wamid.TRACE2', timestamp: '1731705722', type: 'text', text: { body: `${BODY_TEXT} two` } },
              ],
            },
          },
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata,
              statuses: [
                { id: 'wamid.OUTT1', status: 'delivered', timestamp: '1731705730', recipient_id: CUSTOMERS[0] },
                { id: 'wamid.OUTT1', status: 'read', timestamp: '1731705731', recipient_id: CUSTOMERS[0] },
                { id: 'wamid.OUTT2', status: 'sent', timestamp: '1731705732', recipient_id: CUSTOMERS[1] },
              ],
            },
          },
        ],
      },
    ],
  }),
);
const ITEMS = 5;

/**
 * What a record's key looks like in a span: the business number, as it is (keys name no customer since events v2;
 * an older `<phone_number_id>:<customer>` key would show its customer masked, see spanMessageKey).
 */
function maskedKey(key: string | null): string {
  assert.ok(key !== null);
  assert.equal(key, PHONE_NUMBER_ID, 'keyed by the business number');
  return key;
}

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);
/** Which consumer writes which item kind; the other consumes the record and writes nothing for it. */
const HANDLES: Record<string, 'message-store' | 'status-tracker'> = { message: 'message-store', status: 'status-tracker' };

interface Run {
  otlp: OtlpReceiver;
  topics: { raw: string; events: string; dlq: { ms: string; st: string } };
  groups: { 'message-store': string; 'status-tracker': string };
  deliveryId: string;
  records: ReadRecord[];
  rawRecord: ReadRecord;
  ingress: ServiceProcess;
  consumers: { 'message-store': ServiceProcess; 'status-tracker': ServiceProcess };
  produce: (messages: { key: string; value: Buffer; headers: Record<string, string> }[]) => Promise<void>;
  waitCaughtUp: () => Promise<void>;
}

/** Topics, databases, an OTLP receiver and the three services exporting to it; posts BODY once. */
async function startRun(t: TestContext, consumerEnv: Record<string, string>): Promise<Run> {
  const { kafkaBrokers, mongoUri } = testEnv();
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'e2e-tracing' });
  const admin = kafka.admin();
  await admin.connect();
  const producer = createProducer(kafka);
  const events = uniqueName('e2e.t.events');
  const topics = { raw: uniqueName('e2e.t.raw'), events, dlq: { ms: `${events}.dlq.ms`, st: `${events}.dlq.st` } };
  const all = [topics.raw, topics.events, topics.dlq.ms, topics.dlq.st];
  // infra/topics.json's size limit: ingress refuses to start on topics that could not store a body of its limit.
  const configEntries = topicSizeEntries();
  await createTopicsAndWait(admin, { topics: all.map((topic) => ({ topic, numPartitions: 4, configEntries })) });
  const groups = { 'message-store': uniqueName('e2e_t_ms'), 'status-tracker': uniqueName('e2e_t_st') };
  const mongo = new MongoClient(mongoUri);
  await mongo.connect();
  const otlp = await startOtlpReceiver();
  t.after(async () => {
    await producer.close();
    await admin.deleteTopics({ topics: all }).catch(() => undefined);
    await admin.disconnect();
    for (const db of Object.values(groups))
      await mongo
        .db(db)
        .dropDatabase()
        .catch(() => undefined);
    await mongo.close();
    await otlp.close();
  });

  const common = {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGODB_URI: mongoUri,
    HOST: '127.0.0.1',
    WABUS_EVENTS_TOPIC: topics.events,
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const ports = { ingress: await freePort(), ms: await freePort(), st: await freePort() };
  const ingress = startService('ingress', {
    ...common,
    INGRESS_HOST: '127.0.0.1',
    INGRESS_PORT: String(ports.ingress),
    WHATSAPP_APP_SECRETS: SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WABUS_RAW_TOPIC: topics.raw,
  });
  const ms = startService('message-store', {
    ...common,
    ...consumerEnv,
    MESSAGE_STORE_PORT: String(ports.ms),
    WABUS_GROUP_ID: groups['message-store'],
    WABUS_DATABASE: groups['message-store'],
    WABUS_DLQ_TOPIC: topics.dlq.ms,
  });
  const st = startService('status-tracker', {
    ...common,
    ...consumerEnv,
    STATUS_TRACKER_PORT: String(ports.st),
    WABUS_GROUP_ID: groups['status-tracker'],
    WABUS_DATABASE: groups['status-tracker'],
    WABUS_DLQ_TOPIC: topics.dlq.st,
  });
  t.after(() => Promise.all([ingress.stop(), ms.stop(), st.stop()]));
  await Promise.all([
    waitReady(`http://127.0.0.1:${ports.ingress}/readyz`, ingress),
    waitReady(`http://127.0.0.1:${ports.ms}/readyz`, ms),
    waitReady(`http://127.0.0.1:${ports.st}/readyz`, st),
  ]);

  // Meta's handshake carries the verify token in the query string.
  const handshake = await fetch(`http://127.0.0.1:${ports.ingress}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=4711`);
  assert.equal(await handshake.text(), '4711');
  const res = await fetch(`http://127.0.0.1:${ports.ingress}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}` },
    body: BODY,
  });
  assert.equal(res.status, 200);
  const answer = (await res.json()) as { deliveryId: string; events: number };
  assert.equal(answer.events, ITEMS);
  const records = await readTopic(kafka, topics.events);
  assert.equal(records.length, ITEMS);
  const [rawRecord, ...moreRaw] = await readTopic(kafka, topics.raw);
  assert.ok(rawRecord !== undefined && moreRaw.length === 0);

  return {
    otlp,
    topics,
    groups,
    deliveryId: answer.deliveryId,
    records,
    rawRecord,
    ingress,
    consumers: { 'message-store': ms, 'status-tracker': st },
    produce: async (messages) => void (await producer.send([{ topic: topics.events, messages }])),
    async waitCaughtUp() {
      const targets = await highWatermarks(admin, topics.events);
      await Promise.all([caughtUp(`http://127.0.0.1:${ports.ms}`, ms, targets), caughtUp(`http://127.0.0.1:${ports.st}`, st, targets)]);
    },
  };
}

const processSpans = (spans: ReceivedSpan[], service: string, topic: string) => spans.filter((s) => s.service === service && s.name === `process ${topic}`);

/**
 * Waits for the spans every assertion needs: the request, its producers, each consumer's record spans and the
 * handler call of each. A handler call's store spans end before it does, and a processor exports in the order spans
 * end, so they are in by then.
 */
async function spansOf(run: Run, extraRecords = 0): Promise<ReceivedSpan[]> {
  const { otlp, topics } = run;
  const handled = (spans: ReceivedSpan[], r: ReceivedSpan) =>
    spans.some(
      (b) => b.service === r.service && b.name === `handle ${topics.events}` && (b.parentSpanId === r.spanId || b.links.some((l) => l.spanId === r.spanId)),
    );
  await otlp.waitFor((spans) => {
    if (!spans.some((s) => s.service === 'ingress' && s.name === 'POST /webhook')) return false;
    if (spans.filter((s) => s.service === 'ingress' && s.name === `publish ${topics.events}`).length !== ITEMS) return false;
    return (['message-store', 'status-tracker'] as const).every((service) => {
      const records = processSpans(spans, service, topics.events);
      const decodable = records.filter((r) => r.attributes['wabus.outcome'] === 'applied');
      return records.length === ITEMS + extraRecords && decodable.every((r) => handled(spans, r));
    });
  });
  return otlp.spans;
}

/** The ingress half of every item's trace: one server span, one producer span per record, each record carrying it. */
function assertIngress(run: Run, spans: ReceivedSpan[]): { server: ReceivedSpan; producers: Map<string, ReceivedSpan> } {
  const servers = spans.filter((s) => s.service === 'ingress' && s.name === 'POST /webhook');
  assert.equal(servers.length, 1, 'one server span for the one POST');
  const server = servers[0]!;
  assert.equal(server.kind, SPAN_KIND.server);
  assert.equal(server.parentSpanId, undefined);
  assert.equal(server.attributes['http.request.method'], 'POST');
  assert.equal(server.attributes['http.route'], '/webhook');
  assert.equal(server.attributes['http.response.status_code'], 200);
  assert.equal(server.attributes['wabus.delivery_id'], run.deliveryId);
  assert.equal(server.attributes['wabus.items'], ITEMS);
  assert.equal(server.attributes['wabus.outcome'], 'accepted');

  const producers = new Map<string, ReceivedSpan>();
  for (const p of spans.filter((s) => s.service === 'ingress' && s.name === `publish ${run.topics.events}`))
    producers.set(String(p.attributes['wabus.event_id']), p);
  assert.equal(run.rawRecord.headers['traceparent'], `00-${server.traceId}-${server.spanId}-01`, "the raw body carries the request's context");

  assert.equal(producers.size, ITEMS);
  for (const record of run.records) {
    const eventId = record.headers['wabus-event-id']!;
    const p = producers.get(eventId);
    assert.ok(p, `a producer span for event ${eventId}`);
    assert.equal(p.kind, SPAN_KIND.producer);
    assert.equal(p.traceId, server.traceId, "the producer span is in the request's trace");
    assert.equal(p.parentSpanId, server.spanId, 'child of the server span');
    assert.deepEqual(
      [p.attributes['messaging.system'], p.attributes['messaging.destination.name'], p.attributes['messaging.operation.type']],
      ['kafka', run.topics.events, 'publish'],
    );
    assert.equal(p.attributes['messaging.kafka.message.key'], maskedKey(record.key), 'the key, the business number');
    assert.equal(p.attributes['wabus.delivery_id'], undefined, "the delivery id is the server span's, not repeated per record");
    assert.equal(p.attributes['wabus.event_kind'], record.headers['wabus-kind']);
    // The record carries its own producer span's context, not the request's and not a flush's.
    assert.equal(record.headers['traceparent'], `00-${p.traceId}-${p.spanId}-01`, `traceparent of ${eventId}`);
  }
  return { server, producers };
}

/** A consumer's half of one item's trace; returns the batch span and the store writes under it. */
function assertConsumed(run: Run, spans: ReceivedSpan[], service: 'message-store' | 'status-tracker', record: ReadRecord, producer: ReceivedSpan) {
  const eventId = record.headers['wabus-event-id']!;
  const mine = processSpans(spans, service, run.topics.events).filter((s) => s.attributes['wabus.event_id'] === eventId);
  assert.equal(mine.length, 1, `${service}: one process span for ${eventId}`);
  const r = mine[0]!;
  assert.equal(r.kind, SPAN_KIND.consumer);
  assert.equal(r.traceId, producer.traceId, `${service}: the process span continues the item's trace`);
  assert.equal(r.parentSpanId, producer.spanId, `${service}: child of the producer span`);
  assert.deepEqual(
    {
      system: r.attributes['messaging.system'],
      destination: r.attributes['messaging.destination.name'],
      operation: r.attributes['messaging.operation.type'],
      partition: r.attributes['messaging.kafka.destination.partition'],
      offset: r.attributes['messaging.kafka.offset'],
      group: r.attributes['messaging.consumer.group.name'],
      key: r.attributes['messaging.kafka.message.key'],
      deliveryId: r.attributes['wabus.delivery_id'],
      outcome: r.attributes['wabus.outcome'],
    },
    {
      system: 'kafka',
      destination: run.topics.events,
      operation: 'process',
      partition: record.partition,
      offset: Number(record.offset),
      group: run.groups[service],
      key: maskedKey(record.key),
      deliveryId: run.deliveryId,
      outcome: 'applied',
    },
  );

  const batches = spans.filter(
    (s) => s.service === service && s.name === `handle ${run.topics.events}` && (s.parentSpanId === r.spanId || s.links.some((l) => l.spanId === r.spanId)),
  );
  assert.equal(batches.length, 1, `${service}: one handler call for ${eventId}`);
  const b = batches[0]!;
  const size = Number(b.attributes['messaging.batch.message_count']);
  if (size === 1) {
    assert.equal(b.parentSpanId, r.spanId, `${service}: a one-record handler call is the record span's child`);
    assert.equal(b.traceId, r.traceId);
  } else {
    assert.equal(b.parentSpanId, undefined, `${service}: a handler call of ${size} records starts its own trace`);
    assert.equal(b.links.length, size, 'linked to each of its records');
    assert.ok(b.links.some((l) => l.traceId === r.traceId && l.spanId === r.spanId));
    assert.deepEqual(r.links, [{ traceId: b.traceId, spanId: b.spanId }], 'and the record span links back');
  }
  const store = spans.filter((s) => s.service === service && s.parentSpanId === b.spanId && s.attributes['db.system.name'] === 'mongodb');
  for (const s of store) {
    assert.equal(s.kind, SPAN_KIND.client);
    assert.equal(s.traceId, b.traceId);
    assert.equal(s.attributes['db.namespace'], run.groups[service], "the service's own database");
  }
  return { r, b, size, writes: store.filter((s) => WRITES.has(String(s.attributes['db.operation.name']))) };
}

function assertNothingPrivate(run: Run): void {
  const exported = run.otlp.raw.join('\n');
  for (const [what, text] of [
    ['message body text', BODY_TEXT],
    ['app secret', SECRET],
    ['verify token', VERIFY_TOKEN],
    ['signature', createHmac('sha256', SECRET).update(BODY).digest('hex')],
    // Keys, contacts, statuses' recipients: every item names a customer, and no span names one in full.
    ...CUSTOMERS.map((c) => ['customer phone number', c] as const),
  ] as const) {
    assert.ok(!exported.includes(text), `no exported span holds the ${what}`);
  }
}

const logLines = (p: ServiceProcess): Record<string, unknown>[] =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test(
  "tracing: one handler call per record, so each item's trace holds the request, its produce, each consumer's processing and the store writes; a dead letter continues its record's trace; logs carry the ids",
  { timeout: 180_000 },
  async (t) => {
    const run = await startRun(t, { WABUS_MAX_BATCH: '1' });
    // An undecodable record produced under a known context: both consumers dead-letter it.
    const foreignTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await run.produce([
      {
        key: 'garbage',
        value: Buffer.from([0xc3, 0x01, 0xff]),
        headers: { traceparent: `00-${foreignTrace}-00f067aa0ba902b7-01`, 'wabus-event-id': 'garbage-1' },
      },
    ]);
    await run.waitCaughtUp();
    const spans = await spansOf(run, 1);
    const { server, producers } = assertIngress(run, spans);

    for (const record of run.records) {
      const eventId = record.headers['wabus-event-id']!;
      const kind = record.headers['wabus-kind']!;
      const producer = producers.get(eventId)!;
      for (const service of ['message-store', 'status-tracker'] as const) {
        const { b, size, writes } = assertConsumed(run, spans, service, record, producer);
        assert.equal(size, 1);
        assert.equal(b.traceId, server.traceId, `${service}: ${eventId}'s handler call is in the request's trace`);
        if (HANDLES[kind] === service) assert.ok(writes.length > 0, `${service} wrote ${kind} ${eventId} to its store, in the request's trace`);
        else assert.equal(writes.length, 0, `${service} writes nothing for a ${kind}`);
      }
    }

    // The dead letters: a PRODUCER span to each DLQ, child of the record span, which continues the foreign context.
    for (const [service, dlq] of [
      ['message-store', run.topics.dlq.ms],
      ['status-tracker', run.topics.dlq.st],
    ] as const) {
      const r = processSpans(spans, service, run.topics.events).find((s) => s.attributes['wabus.event_id'] === 'garbage-1');
      assert.ok(r, `${service}: the undecodable record has a process span`);
      assert.equal(r.traceId, foreignTrace);
      assert.equal(r.parentSpanId, '00f067aa0ba902b7');
      assert.equal(r.attributes['wabus.outcome'], 'dead_lettered');
      assert.equal(r.attributes['error.type'], 'WABUS_EVENTS_BAD_MAGIC', 'the code, not the message');
      assert.equal(r.status.code, 2, 'ERROR status');
      const d = spans.filter((s) => s.service === service && s.name === `publish ${dlq}`);
      assert.equal(d.length, 1, `${service}: one dead-letter span`);
      assert.equal(d[0]!.kind, SPAN_KIND.producer);
      assert.equal(d[0]!.parentSpanId, r.spanId);
      assert.equal(d[0]!.attributes['messaging.destination.name'], dlq);
      assert.equal(d[0]!.attributes['wabus.event_id'], 'garbage-1');
      const { kafkaBrokers } = testEnv();
      const [letter] = await readTopic(createKafka({ brokers: kafkaBrokers, clientId: 'e2e-tracing-dlq' }), dlq);
      assert.equal(letter?.headers['traceparent'], `00-${foreignTrace}-${d[0]!.spanId}-01`, 'a re-drive continues from the dead-letter span');
      // The runtime's "dead-lettered" line was written inside the record span.
      const line = logLines(run.consumers[service]).find((l) => l['msg'] === 'dead-lettered');
      assert.deepEqual([line?.['trace_id'], line?.['span_id']], [foreignTrace, r.spanId], `${service}: the log line leads to the trace`);
    }

    // The handshake was traced, without its query string; then nothing private anywhere in what was exported.
    const handshake = spans.find((s) => s.service === 'ingress' && s.name === 'GET /webhook');
    assert.ok(handshake, 'the handshake has a server span');
    assert.deepEqual(handshake.attributes, {
      'http.request.method': 'GET',
      'http.route': '/webhook',
      'wabus.outcome': 'handshake_ok',
      'http.response.status_code': 200,
    });
    assertNothingPrivate(run);

    // Ingress buffers its log lines; a graceful stop writes them (and flushes the last spans).
    assert.equal(await run.ingress.stop(), 0);
    const requestLine = logLines(run.ingress).find((l) => l['msg'] === 'webhook' && l['deliveryId'] === run.deliveryId);
    assert.deepEqual(
      [requestLine?.['trace_id'], requestLine?.['span_id']],
      [server.traceId, server.spanId],
      "the request log line carries the server span's ids",
    );
  },
);

test(
  'tracing: with batched handler calls each record keeps its own trace to the producer, and a handler call of several records links to each of them',
  { timeout: 180_000 },
  async (t) => {
    const run = await startRun(t, {});
    await run.waitCaughtUp();
    const spans = await spansOf(run);
    const { producers } = assertIngress(run, spans);
    let shared = 0;
    for (const record of run.records) {
      const kind = record.headers['wabus-kind']!;
      for (const service of ['message-store', 'status-tracker'] as const) {
        const { size, writes } = assertConsumed(run, spans, service, record, producers.get(record.headers['wabus-event-id']!)!);
        if (size > 1) shared++;
        if (HANDLES[kind] === service) assert.ok(writes.length > 0, `${service} wrote the ${kind} under the handler call of its record`);
      }
    }
    // A customer's three records are one produce request, so one record batch on one partition, fetched whole.
    assert.ok(shared > 0, 'some handler call covered several records');
    assertNothingPrivate(run);
  },
);
