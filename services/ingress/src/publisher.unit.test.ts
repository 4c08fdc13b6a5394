import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { encodeEvent, explodeWebhook } from '@wabus/events';
import { createProduceBatcher, KafkaError, type TopicMessages } from '@wabus/kafka';
import { installTestTracing } from '@wabus/telemetry/testing';
import { createPublisher, type Disposition } from './publisher.ts';

const tracing = installTestTracing();
const tracer = trace.getTracer('test');

const body = (n: number) =>
  Buffer.from(
    `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"555"},` +
      `"messages":[{"from":"4911${n}","id":"wamid.P${n}a","timestamp":"1731705721","type":"text","text":{"body":"m${n}"}},` +
      `{"from":"4911${n}","id":"wamid.P${n}b","timestamp":"1731705722","type":"text","text":{"body":"n${n}"}}]}}]}]}`,
  );

function delivery(n: number) {
  const exploded = explodeWebhook(body(n), { receivedAt: 1_000 });
  assert.ok(exploded.ok);
  const disposition: Disposition = { kind: 'accepted', events: exploded.events };
  return { delivery: { deliveryId: exploded.deliveryId, body: body(n), receivedAt: 1_000, secretLabel: 's' }, disposition };
}

/** A batcher whose sends wait for the test: the first request's flush is in flight while the next two queue up. */
function gatedBatcher() {
  const sends: { topicMessages: TopicMessages[]; release: (err?: Error) => void }[] = [];
  const batcher = createProduceBatcher({
    send: (topicMessages) => new Promise<void>((resolve, reject) => sends.push({ topicMessages, release: (err) => (err ? reject(err) : resolve()) })),
  });
  const producer = { send: (tm: TopicMessages[], o?: { deadline?: number }) => batcher.append(tm, o?.deadline) };
  return { producer, sends };
}

/** Publishes one delivery under its own request span, as the webhook route does. */
function publishInRequest(publisher: ReturnType<typeof createPublisher>, n: number) {
  const request = tracer.startSpan(`POST /webhook #${n}`, { kind: SpanKind.SERVER });
  const { delivery: d, disposition } = delivery(n);
  const done = publisher.publish(d, disposition, Date.now() + 5_000, trace.setSpan(context.active(), request));
  return { request, done, deliveryId: d.deliveryId, eventIds: disposition.kind === 'accepted' ? disposition.events.map((e) => e.eventId) : [] };
}

const traceparentTrace = (h: unknown) => String(h).split('-')[1];

test('given requests merged into one flush, then each record carries its own producer span, child of its own request', async () => {
  tracing.reset();
  const { producer, sends } = gatedBatcher();
  const publisher = createPublisher({ producer, rawTopic: 'raw', eventsTopic: 'events', encode: encodeEvent, tracer });
  const a = publishInRequest(publisher, 1);
  const b = publishInRequest(publisher, 2);
  const c = publishInRequest(publisher, 3);
  assert.equal(sends.length, 1, 'the first request is in flight, the others queue');
  assert.equal(tracing.spans().length, 0, 'no producer span ends before Kafka acknowledged it');
  sends[0]!.release();
  await a.done;
  await new Promise((r) => setImmediate(r));
  assert.equal(sends.length, 2, "the second flush carries the two queued requests (and runs in the first one's continuation)");
  sends[1]!.release();
  await Promise.all([b.done, c.done]);

  const producers = tracing.spans().filter((s) => s.kind === SpanKind.PRODUCER);
  assert.equal(producers.length, 6, 'per request: one per event');
  for (const { request, eventIds } of [a, b, c]) {
    const mine = producers.filter((p) => eventIds.includes(String(p.attributes['wabus.event_id'])));
    assert.equal(mine.length, 2);
    for (const p of mine) {
      assert.equal(p.parentSpanContext?.spanId, request.spanContext().spanId);
      assert.equal(p.spanContext().traceId, request.spanContext().traceId);
    }
  }
  for (const { topicMessages } of sends) {
    for (const tm of topicMessages) {
      for (const m of tm.messages) {
        const deliveryId = String(m.headers!['wabus-delivery-id']);
        const request = [a, b, c].find((r) => r.deliveryId === deliveryId)!.request;
        assert.equal(traceparentTrace(m.headers!['traceparent']), request.spanContext().traceId, "the record carries its request's trace, not the flush's");
        if (tm.topic === 'raw') {
          assert.equal(
            m.headers!['traceparent'],
            `00-${request.spanContext().traceId}-${request.spanContext().spanId}-01`,
            "the raw body: the request's own context",
          );
          continue;
        }
        const p = producers.find((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01` === m.headers!['traceparent']);
        assert.ok(p, "an event record's traceparent names its own producer span");
        assert.equal(p.attributes['messaging.destination.name'], tm.topic);
        assert.equal(p.attributes['wabus.event_id'], m.headers!['wabus-event-id']);
      }
    }
  }
  const event = producers.find((p) => p.attributes['messaging.destination.name'] === 'events')!;
  assert.deepEqual(
    [event.name, event.attributes['messaging.system'], event.attributes['messaging.operation.type'], event.attributes['messaging.kafka.message.key']],
    ['publish events', 'kafka', 'publish', '555'],
  );
});

test('given a flush that fails, then its producer spans end with ERROR and the error code', async () => {
  tracing.reset();
  const { producer, sends } = gatedBatcher();
  const publisher = createPublisher({ producer, rawTopic: 'raw', eventsTopic: 'events', encode: encodeEvent, tracer });
  const a = publishInRequest(publisher, 1);
  sends[0]!.release(new KafkaError('WABUS_KAFKA_PRODUCE_FAILED', { message: 'broker gone' }));
  await assert.rejects(a.done, { code: 'WABUS_KAFKA_PRODUCE_FAILED' });
  const producers = tracing.spans().filter((s) => s.kind === SpanKind.PRODUCER);
  assert.equal(producers.length, 2);
  for (const p of producers) {
    assert.equal(p.status.code, SpanStatusCode.ERROR);
    assert.equal(p.attributes['error.type'], 'WABUS_KAFKA_PRODUCE_FAILED');
  }
});
