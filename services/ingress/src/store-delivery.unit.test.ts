import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { explodeWebhook } from '@wabus/events';
import { KafkaError, type KafkaErrorCode } from '@wabus/kafka';
import { buildIngressApp } from './app.ts';
import { parseAppSecrets } from './config.ts';
import { createIngressMetrics } from './metrics.ts';
import type { Delivery, Disposition, Publisher } from './publisher.ts';
import { storeDelivery, type Refusal, type StoreDeliveryOptions } from './store-delivery.ts';
import { sign } from './test-helpers.ts';

const BODY = Buffer.from(
  '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"555"},' +
    '"messages":[{"from":"4911","id":"wamid.S1","timestamp":"1731705721","type":"text","text":{"body":"hi"}}]}}]}]}',
);
const exploded = explodeWebhook(BODY, { receivedAt: 1_000 });
assert.ok(exploded.ok);
const delivery: Delivery = { deliveryId: exploded.deliveryId, body: BODY, receivedAt: 1_000, secretLabel: 's' };
const accepted: Disposition = { kind: 'accepted', events: exploded.events };

const refusal = (code: KafkaErrorCode, topics: string[]) => new KafkaError(code, { message: `refused by ${topics.join(',')}`, details: { topics } });

/** A publisher that answers each call from a script (an error, or success) and records what it was asked. */
function scriptedPublisher(script: (Error | null)[]) {
  const calls: { disposition: Disposition; rawBatchLimit: number | undefined }[] = [];
  const publisher: Publisher = {
    publish: async (_d, disposition, _deadline, _parent, o) => {
      calls.push({ disposition, rawBatchLimit: o?.rawBatchLimit });
      const next = script.shift();
      if (next) throw next;
    },
  };
  return { publisher, calls };
}

function options(publisher: Publisher, rawLimit: number | undefined) {
  const refused: Pick<Refusal, 'kind' | 'topic'>[] = [];
  const o: StoreDeliveryOptions = {
    publisher,
    rawTopic: 'raw',
    eventsTopic: 'events',
    rawBatchLimit: async () => rawLimit,
    onRefused: ({ kind, topic }) => refused.push({ kind, topic }),
  };
  return { o, refused };
}

test('given Kafka takes the records, then the disposition asked for is stored, once', async () => {
  const { publisher, calls } = scriptedPublisher([null]);
  const { o, refused } = options(publisher, 1_000_000);
  assert.deepEqual(await storeDelivery(o, delivery, accepted, Date.now() + 5_000), accepted);
  assert.equal(calls.length, 1);
  assert.deepEqual(refused, []);
});

test('given the events topic refuses the events for good, then the body is quarantined whole on the raw topic with the reason, no events', async () => {
  for (const [code, reason, kind] of [
    ['WABUS_KAFKA_RECORD_TOO_LARGE', 'events_too_large', 'too_large'],
    ['WABUS_KAFKA_RECORD_INVALID', 'events_invalid', 'invalid'],
  ] as const) {
    const { publisher, calls } = scriptedPublisher([refusal(code, ['events']), null]);
    const { o, refused } = options(publisher, 1_000_000);
    const stored = await storeDelivery(o, delivery, accepted, Date.now() + 5_000);
    assert.equal(stored.kind === 'quarantined' && stored.reason, reason);
    assert.match(stored.kind === 'quarantined' ? stored.detail : '', new RegExp(`^${code}: refused by events`));
    assert.deepEqual(
      calls.map((c) => [c.disposition.kind, c.rawBatchLimit]),
      [
        ['accepted', undefined],
        ['quarantined', undefined],
      ],
      'the second append is the raw record alone, whole',
    );
    assert.deepEqual(refused, [{ kind, topic: 'events' }]);
  }
});

test('given the raw topic refuses the body as too large, then it is stored in pieces that fit the limit read again; a quarantine keeps its own reason', async () => {
  const { publisher, calls } = scriptedPublisher([refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['raw', 'events']), null]);
  const { o, refused } = options(publisher, 123_456);
  const stored = await storeDelivery(o, delivery, accepted, Date.now() + 5_000);
  assert.equal(stored.kind === 'quarantined' && stored.reason, 'too_large');
  assert.deepEqual(
    calls.map((c) => c.rawBatchLimit),
    [undefined, 123_456],
  );
  assert.deepEqual(refused, [{ kind: 'too_large', topic: 'raw' }], 'both refused: the raw record decides');

  // Events too large, then the raw record too (its limit lowered as well): pieces, reason events_too_large kept.
  const second = scriptedPublisher([refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['events']), refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['raw']), null]);
  const s = options(second.publisher, 50_000);
  const again = await storeDelivery(s.o, delivery, accepted, Date.now() + 5_000);
  assert.equal(again.kind === 'quarantined' && again.reason, 'events_too_large');
  assert.deepEqual(
    second.calls.map((c) => [c.disposition.kind, c.rawBatchLimit]),
    [
      ['accepted', undefined],
      ['quarantined', undefined],
      ['quarantined', 50_000],
    ],
  );
});

test('given a refusal that no quarantine can meet, then the failure stands (503): no grant, raw invalid, pieces refused too, the limit unreadable', async () => {
  const cases: { name: string; script: Error[]; rawLimit?: number; refused: string[] }[] = [
    { name: 'not authorized', script: [refusal('WABUS_KAFKA_NOT_AUTHORIZED', ['raw'])], refused: ['not_authorized/raw'] },
    { name: 'not authorized, no topic named', script: [refusal('WABUS_KAFKA_NOT_AUTHORIZED', [])], refused: ['not_authorized/raw'] },
    { name: 'raw invalid', script: [refusal('WABUS_KAFKA_RECORD_INVALID', ['raw'])], refused: ['invalid/raw'] },
    {
      name: 'pieces too large as well',
      script: [refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['raw']), refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['raw'])],
      refused: ['too_large/raw', 'too_large/raw'],
    },
    { name: 'limit unreadable', script: [refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['raw'])], refused: ['too_large/raw'] },
    { name: 'transient', script: [new KafkaError('WABUS_KAFKA_PRODUCE_FAILED')], refused: [] },
    { name: 'timeout', script: [new KafkaError('WABUS_KAFKA_PRODUCE_TIMEOUT')], refused: [] },
  ];
  for (const c of cases) {
    const { publisher, calls } = scriptedPublisher([...c.script]);
    const { o, refused } = options(publisher, c.name === 'limit unreadable' ? undefined : 100_000);
    await assert.rejects(storeDelivery(o, delivery, accepted, Date.now() + 5_000), (e) => KafkaError.is(e), c.name);
    assert.deepEqual(
      refused.map((r) => `${r.kind}/${r.topic}`),
      c.refused,
      c.name,
    );
    assert.equal(calls.length, c.script.length, `${c.name}: no further attempt`);
  }
});

test('POST /webhook: a refusal is answered as docs/limits.md says: quarantined 200 with the reason and counted, a missing grant 503 + Retry-After and counted', async (t) => {
  const script: (Error | null)[] = [];
  const metrics = createIngressMetrics({ queuedRecords: () => 0 });
  const app = buildIngressApp({
    appSecrets: parseAppSecrets('test-app-secret', 'WHATSAPP_APP_SECRETS'),
    verifyToken: 'v',
    ackTimeoutMs: 5_000,
    bodyLimit: 1_000_000,
    requestTimeoutMs: 5_000,
    publisher: scriptedPublisher(script).publisher,
    refusals: { rawTopic: 'raw', eventsTopic: 'events', rawBatchLimit: async () => 100_000 },
    readiness: async () => ({ ready: true, checks: {} }),
    metrics,
    logger: pino({ level: 'silent' }),
    logPhoneNumbers: 'masked',
  });
  t.after(() => app.close());
  const post = () =>
    app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(BODY) }, payload: BODY });

  script.push(refusal('WABUS_KAFKA_RECORD_TOO_LARGE', ['events']), null);
  const quarantined = await post();
  assert.deepEqual(
    [quarantined.statusCode, quarantined.json()],
    [200, { deliveryId: delivery.deliveryId, disposition: 'quarantined', reason: 'events_too_large' }],
  );

  script.push(refusal('WABUS_KAFKA_NOT_AUTHORIZED', ['raw']));
  const unauthorized = await post();
  assert.deepEqual([unauthorized.statusCode, unauthorized.headers['retry-after'], unauthorized.json().error.code], [503, '1', 'WABUS_INGRESS_UNAVAILABLE']);
  const text = await metrics.registry.metrics();
  assert.match(text, /wabus_ingress_quarantined_total\{reason="events_too_large"\} 1/);
  assert.match(text, /wabus_ingress_produce_refused_total\{kind="too_large",topic="events"\} 1/);
  assert.match(text, /wabus_ingress_produce_refused_total\{kind="not_authorized",topic="raw"\} 1/);
  assert.match(text, /wabus_ingress_requests_total\{outcome="unavailable"\} 1/);
});
