import { createHmac } from 'node:crypto';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { encodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, testEnv } from '@wabus/testing';
import { buildIngressApp, type IngressDeps } from './app.ts';
import { parseAppSecrets } from './config.ts';
import { createKafkaPublisher } from './kafka-publisher.ts';
import { createIngressMetrics } from './metrics.ts';
import type { Publisher } from './publisher.ts';
import { awaitTopicLimits } from './topic-limits-check.ts';

export const SECRET = 'test-app-secret';
export const VERIFY_TOKEN = 'test-verify-token';

export const sign = (body: Buffer | string, secret = SECRET): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** An ingress wired to the real test broker with its own topics; closed and cleaned up after the test. */
export async function startTestIngress(
  t: TestContext,
  overrides: Partial<IngressDeps> & { secrets?: string; ackTimeoutMs?: number; wrapPublisher?: (p: Publisher) => Publisher; producerBrokers?: string[] } = {},
) {
  const { kafkaBrokers } = testEnv();
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'ingress-test' });
  const topics = await createTestTopics(kafka);
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  const kp = createKafkaPublisher({
    // Topics are made and read directly; the producer may go another way (a fault proxy).
    kafka: overrides.producerBrokers ? createKafka({ brokers: overrides.producerBrokers, clientId: 'ingress-test' }) : kafka,
    rawTopic: topics.rawTopic,
    eventsTopic: topics.eventsTopic,
    encode: encodeEvent,
    log: logger,
    produceTimeoutMs: overrides.ackTimeoutMs ?? 5_000,
    // As the service starts: the producer knows what each topic takes.
    topicLimits: await awaitTopicLimits(kafka, [topics.rawTopic, topics.eventsTopic], logger),
  });
  await kp.connect();
  const metrics = createIngressMetrics({ queuedRecords: kp.producer.queuedRecords, producerStats: kp.producer.stats });
  const app: FastifyInstance = buildIngressApp({
    appSecrets: parseAppSecrets(overrides.secrets ?? SECRET, 'WHATSAPP_APP_SECRETS'),
    verifyToken: VERIFY_TOKEN,
    ackTimeoutMs: 5_000,
    bodyLimit: 3 * 1024 * 1024,
    requestTimeoutMs: 15_000,
    publisher: overrides.wrapPublisher ? overrides.wrapPublisher(kp.publisher) : kp.publisher,
    refusals: { rawTopic: topics.rawTopic, eventsTopic: topics.eventsTopic, rawBatchLimit: kp.rawBatchLimit },
    readiness: kp.readiness,
    metrics,
    logger,
    logPhoneNumbers: 'masked',
    onClose: kp.close,
    ...withoutHelperOptions(overrides),
  });
  t.after(async () => {
    await app.close();
    await topics.drop();
  });
  const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/webhook',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body), ...headers },
      payload: body,
    });
  return { app, kafka, topics, logLines, metrics, kp, post };
}

function withoutHelperOptions<T extends { secrets?: unknown; wrapPublisher?: unknown; producerBrokers?: unknown }>(
  o: T,
): Omit<T, 'secrets' | 'wrapPublisher' | 'producerBrokers'> {
  const { secrets: _s, wrapPublisher: _w, producerBrokers: _p, ...rest } = o;
  return rest;
}
