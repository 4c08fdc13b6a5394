/**
 * Target `naive`: what most webhook tutorials do. Verify the HMAC of the raw body, then `await producer.send()`
 * of that body, one request per webhook (kafkajs, the client those tutorials use: idempotent producer, acks=-1),
 * and only then answer 200. Kept as it was before wabus' own producer moved to @platformatic/kafka (issue 10), so
 * the `naive` row means the same in every run: the bench's only direct kafkajs import.
 * Env: BENCH_HOST, BENCH_PORT, BENCH_SECRET, KAFKA_BROKERS, BENCH_TOPIC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import kafkajs from 'kafkajs';

const secret = process.env['BENCH_SECRET'] ?? '';
const topic = process.env['BENCH_TOPIC'] ?? '';
const kafka = new kafkajs.Kafka({
  brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  clientId: 'wabus-bench-naive',
  logLevel: kafkajs.logLevel.NOTHING,
  requestTimeout: 10_000,
  connectionTimeout: 3_000,
});
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  allowAutoTopicCreation: false,
});
await producer.connect();

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser(/^application\/json(\s*;.*)?$/i, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/webhook', async (request, reply) => {
  const body = request.body as Buffer;
  const given = Buffer.from(String(request.headers['x-hub-signature-256'] ?? ''));
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send({ error: 'bad signature' });
  await producer.send({ topic, acks: -1, messages: [{ value: body }] });
  return { ok: true };
});
app.get('/readyz', async () => ({ status: 'ready' }));

process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => producer.disconnect())
      .then(() => process.exit(0)),
);
await app.listen({ host: process.env['BENCH_HOST'] ?? '127.0.0.1', port: Number(process.env['BENCH_PORT']) });
