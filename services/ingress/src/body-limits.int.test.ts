import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { createChunkAssembler, decodeEvent, explodeWebhook, RECORD_HEADERS } from '@wabus/events';
import { createKafka, createTopicsAndWait, type KafkaClient } from '@wabus/kafka';
import { largeWebhookBody, readScrape, readTopic, spawnServiceProcess, testEnv, uniqueName, waitUntil, type LargeBodyKind } from '@wabus/testing';
import { customerWebhook } from './http-traffic.test-support.ts';
import { startIngressProcess, type IngressProcess } from './ingress-process.test-support.ts';

// Issue 14, as a new user found it: one ingress on the test profile, signed bodies up to the body limit. What
// docs/limits.md promises is checked here through the process's public surface: its answers, its start, its
// metrics, what is on the topics, and `wabus replay rederive` run as an operator runs it.

const MiB = 1024 * 1024;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A raw and an events topic for one test, with these settings over infra/topics.json's; deleted after it. */
async function topicsFor(t: TestContext, config: { raw?: Record<string, string>; events?: Record<string, string> } = {}) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'body-limits-test' });
  const rawTopic = uniqueName('limits.raw');
  const eventsTopic = uniqueName('limits.events');
  const entries = (own?: Record<string, string>) => Object.entries({ 'max.message.bytes': String(4 * MiB), ...own }).map(([name, value]) => ({ name, value }));
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic: rawTopic, numPartitions: 3, configEntries: entries(config.raw) },
      { topic: eventsTopic, numPartitions: 3, configEntries: entries(config.events) },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [rawTopic, eventsTopic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return { kafka, admin, rawTopic, eventsTopic };
}

async function setMaxMessageBytes(admin: ReturnType<KafkaClient['admin']>, topic: string, bytes: number): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }],
  });
}

/** `pnpm wabus replay rederive … --only-missing --execute --json`, as the runbook says, on these topics. */
async function rederive(rawTopic: string, eventsTopic: string): Promise<Record<string, number>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      'packages/cli/src/main.ts',
      'replay',
      'rederive',
      '--since',
      '10m',
      '--raw-topic',
      rawTopic,
      '--topic',
      eventsTopic,
      '--only-missing',
      '--execute',
      '--json',
    ],
    { cwd: repoRoot, env: { ...process.env, KAFKA_BROKERS: testEnv().kafkaBrokers.join(',') } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

const answerOf = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
const metrics = async (ingress: IngressProcess) => readScrape(await (await fetch(`${ingress.base}/metrics`)).text());

/**
 * A text message a careless sender or an attacker holding a secret could sign: its id and sender ~1 MB each. The body
 * (2.1 MB) is under the body limit, but its event copies both (item id, customer id, key) beside the item's JSON: a
 * record of ~5 MB, more than the events topic takes.
 */
function eventTooLargeBody(): { body: Buffer; wamid: string } {
  const wamid = `wamid.${'W'.repeat(1_100_000)}`;
  const from = '49'.padEnd(1_000_000, '7');
  const body = Buffer.from(
    `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
      `"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` +
      `"messages":[{"from":"${from}","id":"${wamid}","timestamp":"1731705721","type":"text","text":{"body":"hi"}}]}}]}]}`,
  );
  return { body, wamid };
}

test('start-up: a topic that cannot store a body of INGRESS_BODY_LIMIT refuses the start in one coded line naming both numbers and what to change; doing what it says starts it', async (t) => {
  const { rawTopic, eventsTopic } = await topicsFor(t, { raw: { 'max.message.bytes': String(MiB) } });
  const env = {
    INGRESS_HOST: '127.0.0.1',
    INGRESS_PORT: '0',
    WHATSAPP_APP_SECRETS: 's',
    WHATSAPP_VERIFY_TOKEN: 'v',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    WABUS_RAW_TOPIC: rawTopic,
    WABUS_EVENTS_TOPIC: eventsTopic,
    LOG_LEVEL: 'info',
    OTEL_TRACES_EXPORTER: 'none',
  };
  const refused = spawnServiceProcess(t, 'ingress', env);
  assert.equal(await refused.exited, 1, refused.output());
  const fatal = refused
    .output()
    .split('\n')
    .filter((l) => l.includes('"level":60'));
  assert.equal(fatal.length, 1, refused.output());
  const line = JSON.parse(fatal[0]!) as { code: string; msg: string };
  assert.equal(line.code, 'WABUS_INGRESS_TOPIC_TOO_SMALL');
  assert.match(line.msg, new RegExp(`topic ${rawTopic.replace(/\./g, '\\.')} takes record batches of at most 1048576 bytes`));
  assert.match(line.msg, /a body of INGRESS_BODY_LIMIT 3145728 bytes needs 3178496: raise its max\.message\.bytes to at least 3178496/);
  assert.doesNotMatch(line.msg, new RegExp(eventsTopic.replace(/\./g, '\\.')), 'the events topic takes it: not named');
  assert.doesNotMatch(refused.output(), /ingress listening/, 'it never listened');
  const fits = Number(/lower INGRESS_BODY_LIMIT to at most (\d+)$/.exec(line.msg)?.[1]);
  assert.equal(fits, MiB - 32 * 1024);

  // As the line says: the body limit lowered to what the topic takes. It starts, and takes a body of that size whole.
  const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, rawTopic, eventsTopic, env: { INGRESS_BODY_LIMIT: String(fits) } });
  const body = largeWebhookBody({ kind: 'history', bytes: fits, prefix: 'fits' });
  assert.ok(body.length > fits - 1_000);
  assert.deepEqual(await answerOf(await ingress.post(body)), {
    status: 200,
    body: { deliveryId: explodeWebhook(body, { receivedAt: 0 }).deliveryId, disposition: 'accepted', events: 1 },
  });
});

test('a body whose event the events topic cannot take: 200 quarantined events_too_large (twice: never a 503), the body kept whole on the raw topic, no event, counted; raising the limit and replay rederive make its event once', async (t) => {
  const { kafka, admin, rawTopic, eventsTopic } = await topicsFor(t);
  const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, rawTopic, eventsTopic });
  const { body, wamid } = eventTooLargeBody();
  const deliveryId = explodeWebhook(body, { receivedAt: 0 }).deliveryId;
  // Meta delivers it twice (a duplicate, or a retry after a lost answer): the same answer both times.
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await answerOf(await ingress.post(body)), { status: 200, body: { deliveryId, disposition: 'quarantined', reason: 'events_too_large' } });
  }
  const raw = await readTopic(kafka, rawTopic);
  assert.equal(raw.length, 2, 'one record per delivery, no accepted copy beside it');
  for (const r of raw) {
    assert.deepEqual(
      [r.key, r.headers[RECORD_HEADERS.disposition], r.headers[RECORD_HEADERS.quarantineReason], r.headers[RECORD_HEADERS.chunk]],
      [deliveryId, 'quarantined', 'events_too_large', undefined],
    );
    assert.ok(r.value?.equals(body), 'the body byte for byte');
  }
  assert.equal((await readTopic(kafka, eventsTopic)).length, 0, 'nothing of it was sent to the events topic');
  const m = await metrics(ingress);
  assert.deepEqual(m.series('wabus_ingress_quarantined_total'), { 'reason=events_too_large': 2 });
  assert.deepEqual(m.series('wabus_ingress_produce_refused_total'), { 'kind=too_large,topic=events': 2 });
  assert.deepEqual(m.series('wabus_ingress_requests_total'), { 'outcome=quarantined': 2 });
  // Logged at error for the operator (the log is written out at least every second).
  await waitUntil('the refusal logged', () =>
    ingress.errorLines(5).some((l) => l.includes('Kafka refused records of a webhook for good') && l.includes('"kind":"too_large"')),
  );

  // The runbook: raise the events topic's limit, then rederive what is missing. Two deliveries, one event.
  await setMaxMessageBytes(admin, eventsTopic, 16 * MiB);
  const report = await rederive(rawTopic, eventsTopic);
  assert.deepEqual([report['nowAccepted'], report['events'], report['repeated'], report['produced']], [2, 1, 1, 1]);
  const events = await readTopic(kafka, eventsTopic);
  assert.equal(events.length, 1);
  assert.equal(decodeEvent(events[0]!.value!).itemId, wamid);
});

test('the raw topic’s limit lowered under a running ingress: bodies it cannot take are 200 quarantined too_large, kept in pieces that make each body again, with no events; small ones are accepted; rederive makes their events once', async (t) => {
  const { kafka, admin, rawTopic, eventsTopic } = await topicsFor(t);
  const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, rawTopic, eventsTopic });
  await setMaxMessageBytes(admin, rawTopic, MiB);
  // The first is refused by the broker (the ingress still knows the old limit), the second before it is sent.
  const bodies = [
    largeWebhookBody({ kind: 'history', bytes: 2_500_000, prefix: 'lowered-a' }),
    largeWebhookBody({ kind: 'statuses', bytes: 1_500_000, prefix: 'lowered-b' }),
  ];
  for (const body of bodies) {
    const deliveryId = explodeWebhook(body, { receivedAt: 0 }).deliveryId;
    assert.deepEqual(await answerOf(await ingress.post(body)), { status: 200, body: { deliveryId, disposition: 'quarantined', reason: 'too_large' } });
  }
  const small = customerWebhook('wamid.lowered.small', 1);
  assert.equal((await answerOf(await ingress.post(small))).body['disposition'], 'accepted');

  const raw = await readTopic(kafka, rawTopic);
  const assembler = createChunkAssembler();
  const whole = raw.map((r) => assembler.add(r)).flatMap((a) => (a.kind === 'whole' || a.kind === 'assembled' ? [a.body] : []));
  assert.deepEqual(whole.map((b) => b.length).sort(), [...bodies, small].map((b) => b.length).sort(), 'each body once, the large ones from their pieces');
  for (const b of [...bodies, small]) assert.ok(whole.some((w) => w.equals(b)));
  const pieces = raw.filter((r) => r.headers[RECORD_HEADERS.chunk] !== undefined);
  assert.ok(pieces.length >= 5, `${pieces.length} pieces`);
  assert.ok(pieces.every((p) => p.headers[RECORD_HEADERS.quarantineReason] === 'too_large' && p.value!.length < MiB));
  const events = await readTopic(kafka, eventsTopic);
  assert.deepEqual(
    events.map((r) => decodeEvent(r.value!).itemId),
    ['wamid.lowered.small'],
    'no event of a quarantined body',
  );
  const m = await metrics(ingress);
  assert.deepEqual(m.series('wabus_ingress_quarantined_total'), { 'reason=too_large': 2 });
  assert.deepEqual(m.series('wabus_ingress_produce_refused_total'), { 'kind=too_large,topic=raw': 2 });

  const report = await rederive(rawTopic, eventsTopic);
  const expected = bodies.flatMap((b) => {
    const e = explodeWebhook(b, { receivedAt: 0 });
    assert.ok(e.ok);
    return e.events.map((ev) => ev.eventId);
  });
  assert.equal(report['produced'], expected.length);
  const after = await readTopic(kafka, eventsTopic);
  const ids = after.map((r) => r.headers[RECORD_HEADERS.eventId]!);
  assert.equal(ids.length, expected.length + 1);
  assert.deepEqual(new Set(ids), new Set([...expected, events[0]!.headers[RECORD_HEADERS.eventId]!]), 'each event once');
});

test('bodies from 1 KB to the body limit, history syncs and batched statuses, eight at a time: every one 200 accepted, every body once on the raw topic, every event exactly once on the events topic', async (t) => {
  const { kafka, rawTopic, eventsTopic } = await topicsFor(t);
  // The acknowledgement deadline is not what is tested (bench/ measures speed): room for a loaded 2-core machine.
  const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, rawTopic, eventsTopic, ackTimeoutMs: 30_000 });
  const limit = 3 * MiB;
  const sizes = [1_024, 16 * 1_024, 256 * 1_024, MiB, 2 * MiB, limit - 1_024];
  const bodies = sizes.flatMap((bytes, i) =>
    (['history', 'statuses'] as LargeBodyKind[]).flatMap((kind) => [0, 1].map((n) => largeWebhookBody({ kind, bytes, prefix: `c${i}${kind[0]}${n}` }))),
  );
  assert.ok(bodies.every((b) => b.length <= limit));
  // Largest and smallest interleaved, so large bodies are in flight together and beside small ones.
  const order = bodies.map((_, i) => i).sort((a, b) => (a % 2) - (b % 2) || (a % 2 === 0 ? b - a : a - b));
  const answers: { status: number; body: Record<string, unknown> }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < order.length) {
        const i = order[next++]!;
        answers[i] = await answerOf(await ingress.post(bodies[i]!));
      }
    }),
  );
  const expected = bodies.map((b) => {
    const e = explodeWebhook(b, { receivedAt: 0 });
    assert.ok(e.ok);
    return { deliveryId: e.deliveryId, eventIds: e.events.map((ev) => ev.eventId) };
  });
  answers.forEach((a, i) =>
    assert.deepEqual(
      a,
      { status: 200, body: { deliveryId: expected[i]!.deliveryId, disposition: 'accepted', events: expected[i]!.eventIds.length } },
      `body ${i}`,
    ),
  );
  const raw = await readTopic(kafka, rawTopic, { timeoutMs: 60_000 });
  assert.deepEqual(raw.map((r) => r.key).sort(), expected.map((e) => e.deliveryId).sort());
  assert.ok(raw.every((r) => r.headers[RECORD_HEADERS.disposition] === 'accepted' && r.headers[RECORD_HEADERS.chunk] === undefined));
  const events = await readTopic(kafka, eventsTopic, { timeoutMs: 60_000 });
  const ids = events.map((r) => r.headers[RECORD_HEADERS.eventId]!);
  const all = expected.flatMap((e) => e.eventIds);
  assert.equal(ids.length, all.length, 'no event twice, none missing');
  assert.deepEqual(ids.sort(), all.sort());
  assert.equal(readScrape(await (await fetch(`${ingress.base}/metrics`)).text()).value('wabus_ingress_produce_refused_total'), 0);
});
