/**
 * The ceiling for the consumer services: the shared runtime (`runConsumer` from @wabus/kafka) with the services'
 * batch settings, decoding every record with the events codec and applying nothing (no store, no metrics, no logs).
 * Run as its own process by the consumers bench; answers GET /readyz and /v1/lag (the runtime's status) like a
 * service, so it is timed the same way. Env: KAFKA_BROKERS, WABUS_EVENTS_TOPIC, WABUS_GROUP_ID, WABUS_DLQ_TOPIC,
 * WABUS_MAX_BATCH, WABUS_PARTITIONS_CONCURRENTLY, HOST, BENCH_PORT.
 */
import { createServer } from 'node:http';
import { createKafka, runConsumer } from '@wabus/kafka';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is required`);
  return v;
}

const runtime = await runConsumer<WhatsAppEvent>({
  kafka: createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: 'wabus-bench-ceiling' }),
  groupId: env('WABUS_GROUP_ID'),
  topic: env('WABUS_EVENTS_TOPIC'),
  dlqTopic: env('WABUS_DLQ_TOPIC'),
  maxBatchRecords: Number(env('WABUS_MAX_BATCH')),
  partitionsConsumedConcurrently: Number(env('WABUS_PARTITIONS_CONCURRENTLY')),
  decode: (value) => decodeEvent(value),
  handleBatch: async () => undefined,
});

const server = createServer((req, res) => {
  const send = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/v1/lag') send(200, runtime.status());
  else if (req.url === '/readyz') send(runtime.ready() ? 200 : 503, { ready: runtime.ready() });
  else send(404, { error: 'not found' });
});
server.listen(Number(env('BENCH_PORT')), env('HOST'));

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 20_000).unref();
  runtime.stop().then(
    () => server.close(() => process.exit(0)),
    () => process.exit(1),
  );
});
