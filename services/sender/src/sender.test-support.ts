import type { TestContext } from 'node:test';
import pino from 'pino';
import { startGraphApiStandIn, type GraphApiStandIn } from '@wabus/standins';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, readTopic, testDatabase, testEnv } from '@wabus/testing';
import type { SendEvent } from '@wabus/events';
import type { WindowKnowledge } from './decide-send.ts';
import type { PeerReads } from './peer-reads.ts';
import { loadSenderConfig, type SenderConfig } from './sender-config.ts';
import { startSender, type SenderService } from './start-sender.ts';

export const NUMBER = '106540352242922';
export const CUSTOMER = '5511999990001';

/** Window and status answers for in-process tests (the real reads are peer-reads.ts over HTTP). */
export function fixedPeers(window: WindowKnowledge = 'unchecked'): PeerReads & { windows: Map<string, WindowKnowledge> } {
  const windows = new Map<string, WindowKnowledge>();
  return {
    windows,
    windowOf: async (_t, phoneNumberId, customer) => windows.get(`${phoneNumberId}:${customer}`) ?? window,
    statusOf: async () => null,
    templateOf: async () => 'unchecked',
  };
}

/** The sender in-process against the real store and a Graph stand-in; both stopped after the test. */
export async function startTestSender(
  t: TestContext,
  o: { env?: Record<string, string>; peers?: PeerReads; now?: () => number; graph?: GraphApiStandIn } = {},
): Promise<{
  sender: SenderService;
  graph: GraphApiStandIn;
  config: SenderConfig;
  post(body: unknown, key?: string): Promise<Response>;
  /** Every event on the test's sends topic so far. */
  sendEvents(): Promise<(SendEvent & { traceparent: string | null })[]>;
}> {
  const graph = o.graph ?? (await startGraphApiStandIn());
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'sender-test' });
  const topics = await createTestTopics(kafka, { partitions: 1 });
  t.after(() => topics.drop());
  const config = loadSenderConfig(
    { port: 0, portEnv: 'SENDER_PORT' },
    {
      HOST: '127.0.0.1',
      KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
      WABUS_SENDS_TOPIC: topics.eventsTopic,
      MONGODB_URI: testEnv().mongoUri,
      WABUS_DATABASE: testDatabase(t, { prefix: 'sender' }),
      WHATSAPP_GRAPH_BASE_URL: graph.url,
      WHATSAPP_ACCESS_TOKEN: graph.accessToken,
      WHATSAPP_REQUEST_TIMEOUT_MS: '1000',
      SENDER_RECIPIENT_INTERVAL_MS: '0',
      ...o.env,
    },
  );
  const sender = await startSender({
    config,
    logger: pino({ level: 'silent' }),
    peers: o.peers ?? fixedPeers(),
    ...(o.now ? { now: o.now } : {}),
  });
  t.after(async () => {
    await sender.stop();
    await graph.close();
  });
  const post = (body: unknown, key?: string) =>
    fetch(`${sender.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    });
  const sendEvents = async () =>
    (await readTopic(kafka, topics.eventsTopic)).map((r) => ({ ...(JSON.parse(String(r.value)) as SendEvent), traceparent: r.headers['traceparent'] ?? null }));
  return { sender, graph, config, post, sendEvents };
}

export const textTo = (to: string, body: string) => ({ phoneNumberId: NUMBER, to, type: 'text', text: { body } });
