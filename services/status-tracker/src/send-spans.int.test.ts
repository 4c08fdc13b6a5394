import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, trace } from '@opentelemetry/api';
import { injectSpanContext } from '@wabus/telemetry';
import { installTestTracing, type ReadableSpan } from '@wabus/telemetry/testing';
import { waitUntil } from '@wabus/testing';
import { SEND_JOIN_SPAN, SEND_LINK_SPAN } from './send-spans.ts';
import { createSendsTopic, sendRecord, sentEvent } from './sends.test-support.ts';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, produce, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

// Real spans of the service in process (the consumer runtime uses the global tracer, as under the OTel SDK).
const tracing = installTestTracing();

/** A send's span, ended, and its traceparent (what services/sender writes into the send record's headers). */
function sendSpan(): { traceId: string; spanId: string; traceparent: string } {
  const span = trace.getTracer('test-sender').startSpan('whatsapp.send', { kind: SpanKind.INTERNAL });
  const headers: Record<string, string> = {};
  injectSpanContext(span, headers);
  span.end();
  return { ...span.spanContext(), traceparent: headers['traceparent']! };
}
const named = (name: string) => tracing.spans().filter((s) => s.name === name);
const parentOf = (s: ReadableSpan) => tracing.spans().find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);

test('status-tracker spans: statuses folded after their send link to the send span; a send read after its statuses says how many it joined, in the send’s trace', async (t) => {
  const kafka = testKafka();
  // Two messages' statuses, each on its own partition key; one message's send comes first, the other's last.
  const records = deliver(statusWorkload({ seed: 'spans', messages: 2 }), { seed: 'spans-order', maxPerBody: 1 });
  const docs = expectedDocs(records);
  assert.equal(docs.length, 2);
  const [early, late] = docs.map((d) => d._id) as [string, string];
  const statusesOfLate = docs[1]!.history.length;
  const { topic, dlqTopic } = await createTopics(t, kafka, 1);
  const sendsTopic = await createSendsTopic(t, kafka);
  const s1 = sendSpan();
  const s2 = sendSpan();
  const tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t), sendsTopic });

  // 1. The early message's send, then all statuses.
  await produce(kafka, sendsTopic, [sendRecord(sentEvent(early, 'snd_early'), s1.traceparent)]);
  await tracker.additional!.whenApplied();
  await produce(kafka, topic, records);
  await tracker.runtime.whenApplied();
  await waitUntil('the send-link span ended', async () => named(SEND_LINK_SPAN).length > 0, { timeoutMs: 10_000 });
  const links = named(SEND_LINK_SPAN);
  assert.ok(
    links.every((l) => l.attributes['wabus.wamid'] === early),
    'only the message with a send links',
  );
  const added = links.reduce((n, l) => n + Number(l.attributes['wabus.statuses']), 0);
  assert.equal(added, docs[0]!.history.length, 'every status of the message, once');
  for (const l of links) {
    assert.equal(l.attributes['wabus.send.id'], 'snd_early');
    assert.deepEqual(
      l.links.map((k) => [k.context.traceId, k.context.spanId]),
      [[s1.traceId, s1.spanId]],
      'linked to the send span',
    );
    assert.equal(parentOf(l)?.name, `handle ${topic}`, 'a child of the statuses batch that wrote it');
    assert.notEqual(l.spanContext().traceId, s1.traceId, 'in the status record’s trace, not the send’s');
  }
  assert.equal(named(SEND_JOIN_SPAN).length, 0);

  // 2. The late message's send, after its statuses.
  await produce(kafka, sendsTopic, [sendRecord(sentEvent(late, 'snd_late'), s2.traceparent)]);
  await tracker.additional!.whenApplied();
  await waitUntil('the send-join span ended', async () => named(SEND_JOIN_SPAN).length > 0, { timeoutMs: 10_000 });
  const [join, ...more] = named(SEND_JOIN_SPAN);
  assert.equal(more.length, 0);
  assert.deepEqual(
    [join!.attributes['wabus.send.id'], join!.attributes['wabus.wamid'], join!.attributes['wabus.statuses']],
    ['snd_late', late, statusesOfLate],
  );
  assert.equal(join!.spanContext().traceId, s2.traceId, 'in the send’s trace (record span → batch span → join)');
  assert.equal(parentOf(join!)?.name, `handle ${sendsTopic}`);
  assert.deepEqual(
    join!.links.map((k) => k.context.spanId),
    [s2.spanId],
  );
  assert.equal(named(SEND_LINK_SPAN).length, links.length, 'no new link span: no status was folded');
});
