import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka } from '@wabus/kafka';
import { startGraphApiStandIn } from '@wabus/standins';
import { createTestTopics, readTopic, serviceTestEnv, testEnv, waitUntil } from '@wabus/testing';
import { SPAN_KIND, startOtlpReceiver } from './otlp-receiver.ts';
import { freePort, startService, waitReady } from './processes.ts';

/**
 * The trace of a send continues into its statuses (docs/sender.md, "Traces"): the sender's `whatsapp.send` span →
 * its Graph call (`traceparent`) → the stand-in's status webhooks (the same `traceparent`, as a proxy that keeps it
 * would) → ingress' `POST /webhook` → the status records → status-tracker's spans; and the send's event on Kafka
 * carries it too.
 */
test('sender trace: a send’s span, its status webhooks at ingress and status-tracker’s handling share one trace', { timeout: 180_000 }, async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'sender-trace' });
  const topics = await createTestTopics(kafka);
  const sendsTopics = await createTestTopics(kafka, { partitions: 1 });
  const otlp = await startOtlpReceiver();
  t.after(async () => {
    await topics.drop();
    await sendsTopics.drop();
    await otlp.close();
  });
  const ports = { ingress: await freePort(), tracker: await freePort(), sender: await freePort() };
  const graph = await startGraphApiStandIn({ statusCallbacks: { url: `http://127.0.0.1:${ports.ingress}/webhook`, appSecret: 'secret', delayMs: 5 } });
  t.after(() => graph.close());
  const env = (name: string) => ({
    ...serviceTestEnv(topics, `sender-trace.${name}`),
    HOST: '127.0.0.1',
    INGRESS_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const ingress = startService('ingress', { ...env('ingress'), INGRESS_PORT: String(ports.ingress) });
  const tracker = startService('status-tracker', {
    ...env('status-tracker'),
    STATUS_TRACKER_PORT: String(ports.tracker),
    STATUS_TRACKER_SENDS_TOPIC: sendsTopics.eventsTopic,
  });
  const sender = startService('sender', {
    ...env('sender'),
    SENDER_PORT: String(ports.sender),
    WHATSAPP_GRAPH_BASE_URL: graph.url,
    WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    WABUS_SENDS_TOPIC: sendsTopics.eventsTopic,
    SENDER_STATUS_TRACKER_URL: `http://127.0.0.1:${ports.tracker}`,
  });
  t.after(() => Promise.all([ingress.stop(), tracker.stop(), sender.stop()]));
  await Promise.all([
    waitReady(`http://127.0.0.1:${ports.ingress}/readyz`, ingress, 60_000),
    waitReady(`http://127.0.0.1:${ports.tracker}/readyz`, tracker, 60_000),
    waitReady(`http://127.0.0.1:${ports.sender}/readyz`, sender, 60_000),
  ]);

  const res = await fetch(`http://127.0.0.1:${ports.sender}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'trace-1' },
    body: JSON.stringify({ phoneNumberId: '106540352242922', to: '5511999990001', type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id, wamid } = (await res.json()) as { id: string; wamid: string };
  await waitUntil(
    'the send read',
    async () =>
      ((await (await fetch(`http://127.0.0.1:${ports.sender}/v1/messages/${id}`)).json()) as { status: { status: string } | null }).status?.status === 'read',
    { timeoutMs: 60_000 },
  );

  const sendSpan = () => otlp.spans.find((s) => s.service === 'sender' && s.name === 'whatsapp.send');
  await otlp.waitFor((spans) => {
    const send = sendSpan();
    return (
      send !== undefined &&
      spans.filter((s) => s.service === 'ingress' && s.kind === SPAN_KIND.server && s.traceId === send.traceId).length >= 3 &&
      spans.some((s) => s.service === 'status-tracker' && s.traceId === send.traceId)
    );
  }, 30_000);
  const send = sendSpan()!;
  assert.deepEqual([send.attributes['wabus.send.id'], send.attributes['wabus.send.state']], [id, 'sent']);
  // Its children: the store's calls, and the one HTTP call to the Graph API.
  const graphCall = otlp.spans.find((s) => s.service === 'sender' && s.kind === SPAN_KIND.client && s.name === 'POST' && s.parentSpanId === send.spanId);
  assert.ok(graphCall, 'the Graph call is a child of the send span');
  const webhooks = otlp.spans.filter((s) => s.service === 'ingress' && s.kind === SPAN_KIND.server && s.traceId === send.traceId);
  const shape = otlp.spans.filter((s) => s.traceId === send.traceId).map((s) => [s.service, s.name, s.kind, s.spanId, s.parentSpanId]);
  assert.equal(webhooks.length, 3, 'sent, delivered, read');
  assert.ok(
    webhooks.every((w) => w.parentSpanId === graphCall.spanId),
    `each status webhook continues the Graph call that caused it: ${JSON.stringify(shape)}`,
  );
  // status-tracker read the send too (the sends topic, joined by wamid), and tied the statuses to the send span:
  // by a send-link span (statuses folded after the send) or a send-join span (the send read after its statuses).
  await waitUntil(
    'the send joined to its statuses',
    // encoded: a wamid may hold '+'.
    async () =>
      ((await (await fetch(`http://127.0.0.1:${ports.tracker}/v1/statuses/${encodeURIComponent(wamid)}`)).json()) as { send?: { sendId: string } | null }).send
        ?.sendId === id,
    { timeoutMs: 30_000 },
  );
  const tied = () =>
    otlp.spans.filter(
      (s) =>
        s.service === 'status-tracker' &&
        (s.name === 'status-tracker.send-link' || s.name === 'status-tracker.send-join') &&
        s.attributes['wabus.send.id'] === id &&
        s.links.some((l) => l.traceId === send.traceId && l.spanId === send.spanId),
    );
  await otlp.waitFor(() => tied().length > 0, 30_000);
  assert.ok(
    tied().every((s) => s.attributes['wabus.wamid'] === wamid),
    JSON.stringify(tied()),
  );
  const [record] = await readTopic(kafka, sendsTopics.eventsTopic);
  assert.equal((JSON.parse(String(record!.value)) as { wamid: string }).wamid, wamid);
  assert.match(record!.headers['traceparent'] ?? '', new RegExp(`^00-${send.traceId}-${send.spanId}-`), 'the send event carries the send span');
});
