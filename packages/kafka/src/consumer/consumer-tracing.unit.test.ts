import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { injectSpanContext } from '@wabus/telemetry';
import { installTestTracing, type ReadableSpan } from '@wabus/telemetry/testing';
import { createConsumerTracing } from './consumer-tracing.ts';

const tracing = installTestTracing();
const tracer = trace.getTracer('test');
const ct = createConsumerTracing({ tracer, topic: 'events', dlqTopic: 'events.dlq', groupId: 'g' });

/** A producer span and the headers a record produced under it carries. */
function produced(eventId: string) {
  const producer = tracer.startSpan('publish events', { kind: SpanKind.PRODUCER });
  const headers: Record<string, string> = { 'wabus-event-id': eventId, 'wabus-delivery-id': 'd1' };
  injectSpanContext(producer, headers);
  producer.end();
  return { producer, headers };
}
const byName = (name: string): ReadableSpan[] => tracing.spans().filter((s) => s.name === name);

test("given a record with a producer context, then its process span is the producer span's child with the messaging attributes, the customer's number in the key masked", () => {
  tracing.reset();
  const { producer, headers } = produced('e1');
  const r = ct.startRecord({ partition: 2, offset: '41', key: '106540352242922:4915112345678', headers });
  ct.endRecord(r, 'applied');
  const [span] = byName('process events');
  assert.equal(span!.kind, SpanKind.CONSUMER);
  assert.equal(span!.spanContext().traceId, producer.spanContext().traceId);
  assert.equal(span!.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.deepEqual(
    { ...span!.attributes },
    {
      'messaging.system': 'kafka',
      'messaging.destination.name': 'events',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': 'g',
      'messaging.kafka.destination.partition': 2,
      'messaging.kafka.offset': 41,
      'messaging.kafka.message.key': '106540352242922:*********5678',
      'wabus.event_id': 'e1',
      'wabus.delivery_id': 'd1',
      'wabus.outcome': 'applied',
    },
  );
});

test("given a handler call with one record, then the batch span is that record span's child and the handler runs inside it", async () => {
  tracing.reset();
  const r = ct.startRecord({ partition: 0, offset: '7', key: null, headers: produced('e1').headers });
  const active = await ct.inBatch([r], 0, { first: '7', last: '7' }, async () => trace.getSpan(context.active())?.spanContext().spanId);
  ct.endRecord(r, 'applied');
  const [batch] = byName('handle events');
  assert.equal(active, batch!.spanContext().spanId, "the handler's active span is the batch span");
  assert.equal(batch!.parentSpanContext?.spanId, r.spanContext().spanId);
  assert.equal(batch!.spanContext().traceId, r.spanContext().traceId);
  assert.equal(batch!.attributes['messaging.batch.message_count'], 1);
});

test('given a handler call with several records, then the batch span starts its own trace, links to each record span and each links back', async () => {
  tracing.reset();
  const records = ['e1', 'e2', 'e3'].map((id, i) => ct.startRecord({ partition: 1, offset: String(i), key: 'k', headers: produced(id).headers }));
  await ct.inBatch(records, 1, { first: '0', last: '2' }, async () => undefined);
  records.forEach((r) => ct.endRecord(r, 'applied'));
  const [batch] = byName('handle events');
  assert.equal(batch!.parentSpanContext, undefined, 'a root span');
  assert.ok(records.every((r) => r.spanContext().traceId !== batch!.spanContext().traceId));
  assert.deepEqual(
    batch!.links.map((l) => l.context.spanId),
    records.map((r) => r.spanContext().spanId),
  );
  for (const span of byName('process events'))
    assert.deepEqual(
      span.links.map((l) => l.context.spanId),
      [batch!.spanContext().spanId],
    );
  assert.equal(batch!.attributes['messaging.batch.message_count'], 3);
});

test('given a handler call that throws, then its batch span has ERROR status and the error code, never the message', async () => {
  tracing.reset();
  const r = ct.startRecord({ partition: 0, offset: '1', key: null, headers: {} });
  const err = Object.assign(new Error('document {"text":"private words"} failed validation'), { code: 'ECONNRESET' });
  await assert.rejects(ct.inBatch([r], 0, { first: '1', last: '1' }, async () => Promise.reject(err)));
  ct.endRecord(r, 'abandoned');
  const [batch] = byName('handle events');
  assert.equal(batch!.status.code, SpanStatusCode.ERROR);
  assert.equal(batch!.attributes['error.type'], 'ECONNRESET');
  assert.ok(!JSON.stringify([batch!.status, batch!.events, batch!.attributes]).includes('private words'));
});

test("given a dead letter, then its producer span is the record span's child and its context replaces the record's in the headers", () => {
  tracing.reset();
  const { headers } = produced('e9');
  const key = '106540352242922:34600111222';
  const r = ct.startRecord({ partition: 0, offset: '3', key, headers });
  const dlqHeaders: Record<string, string> = { ...headers };
  const d = ct.startDeadLetter(r, { partition: 0, offset: '3', key, headers }, 'WABUS_EVENT_REJECTED', dlqHeaders);
  d.end();
  ct.endRecord(r, 'dead_lettered', Object.assign(new Error('bad'), { code: 'WABUS_EVENT_REJECTED' }));
  const [dlq] = byName('publish events.dlq');
  assert.equal(dlq!.kind, SpanKind.PRODUCER);
  assert.equal(dlq!.parentSpanContext?.spanId, r.spanContext().spanId);
  assert.equal(dlq!.attributes['messaging.destination.name'], 'events.dlq');
  assert.equal(dlq!.attributes['error.type'], 'WABUS_EVENT_REJECTED');
  assert.equal(dlq!.attributes['messaging.kafka.message.key'], '106540352242922:*******1222', 'masked like the record span');
  assert.equal(dlqHeaders['traceparent'], `00-${dlq!.spanContext().traceId}-${dlq!.spanContext().spanId}-01`);
  const [process] = byName('process events');
  assert.equal(process!.status.code, SpanStatusCode.ERROR);
  assert.equal(process!.attributes['wabus.outcome'], 'dead_lettered');
});
