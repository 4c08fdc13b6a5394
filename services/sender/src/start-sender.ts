import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { errorEnvelope, useErrorEnvelope } from '@wabus/errors';
import { createKafka, createProducer } from '@wabus/kafka';
import { createSendParts, type GraphClient } from '@wabus/graph-send';
import { healthRoutes, readinessOf } from '@wabus/service';
import { loadTenants, TenantsError, watchTenantsFile, type Tenants } from '@wabus/tenants';
import { createPeerReads, type PeerReads } from './peer-reads.ts';
import { createSendPublisher } from './publish-sends.ts';
import { surfaceStale } from './surface-stale.ts';
import type { SenderConfig } from './sender-config.ts';
import { createSenderMetrics } from './sender-metrics.ts';
import { senderRoutes } from './sender-routes.ts';
import { ensureSendIndexes, sendsOf } from './sends.ts';

export interface SenderService {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/**
 * Builds the sender from its configuration: its database, the tenants, the Graph client and the one pair of
 * limiters of the process, the API. main.ts and the tests both start it through here.
 */
export async function startSender(o: {
  config: SenderConfig;
  logger: Logger;
  now?: () => number;
  graph?: GraphClient;
  peers?: PeerReads;
  defaultMetrics?: boolean;
}): Promise<SenderService> {
  const { config } = o;
  const now = o.now ?? Date.now;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const log = o.logger.child({ component: 'sender' });
  // The tenants file is read again on SIGHUP (a valid file replaces the running one whole; an invalid one is logged).
  const watched =
    config.tenantsFile === ''
      ? null
      : watchTenantsFile(config.tenantsFile, {
          onReload: (t) => log.info({ tenants: t.list.map((x) => x.id) }, 'tenants reloaded'),
          onError: (err) => log.error({ err }, 'tenants NOT reloaded: the running ones stay'),
        });
  const fixed: Tenants | null = watched === null ? loadTenants('') : null;
  const tenants = (): Tenants => watched?.current() ?? fixed!;
  const accessTokenOf = (tenantId: string) => tenants().byId(tenantId)?.graphAccessToken ?? config.accessToken;
  for (const [i, t] of tenants().list.entries())
    if (accessTokenOf(t.id) === '') {
      watched?.stop();
      throw new TenantsError(
        `tenants[${i}] (${t.id}).graphAccessToken`,
        `the sender needs a Graph API token for every tenant: give this one its own, or set WHATSAPP_ACCESS_TOKEN (${tenants().source})`,
      );
    }

  const mongo = new MongoClient(config.mongoUri, { serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 10_000, connectTimeoutMS: 5_000 });
  await mongo.connect();
  const db = mongo.db(config.database);
  const sends = sendsOf(db);
  await ensureSendIndexes(sends);

  const registry = new Registry();
  if (o.defaultMetrics ?? false) collectDefaultMetrics({ register: registry });
  const observer = createSenderMetrics(registry);
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'wabus-sender', log: o.logger.child({ component: 'kafka' }) });
  const producer = createProducer(kafka, { log: o.logger.child({ component: 'kafka' }) });
  const publisher = createSendPublisher({ producer, topic: config.sendsTopic, sends, log });
  // Settled sends whose event did not reach Kafka (a failed produce, a process that died between the two).
  // Pending longer than a live call can take (refusal retries, a backoff, a request timeout, a margin): orphaned.
  const staleMs = config.refusalRetryMs + config.retryMaxMs + config.requestTimeoutMs + 60_000;
  const sweeping = setInterval(() => {
    surfaceStale(sends, new Date(now() - staleMs), new Date(now()))
      .then((n) => {
        if (n > 0) log.warn({ sends: n }, 'pending sends of a stopped process surfaced as unknown (orphaned)');
        observer.surfaced?.(n);
        return publisher.sweep(new Date(now() - 10_000));
      })
      .catch((err: unknown) => log.warn({ err }, 'sends sweep failed'));
  }, 5_000);
  sweeping.unref();

  const app = Fastify({ loggerInstance: o.logger, logController: new LogController({ disableRequestLogging: true }) }) as unknown as FastifyInstance;
  useErrorEnvelope(app, 'WABUS_SENDER_INTERNAL');
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send(errorEnvelope({ code: 'WABUS_SENDER_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?', 1)[0]}` })),
  );
  await app.register(healthRoutes, {
    registry,
    async readiness() {
      const store = await db
        .command({ ping: 1 }, { timeoutMS: 2_000 })
        .then(() => ({ ok: true }))
        .catch((err: Error) => ({ ok: false, detail: err.message }));
      const kafkaHealth = await producer.health();
      return readinessOf({ store, kafka: kafkaHealth });
    },
  });
  await app.register(senderRoutes, {
    sends,
    tenants,
    accessTokenOf,
    apiVersion: config.apiVersion,
    publisher,
    peers:
      o.peers ??
      createPeerReads({
        messageStoreUrl: config.messageStoreUrl,
        statusTrackerUrl: config.statusTrackerUrl,
        accountStateUrl: config.accountStateUrl,
      }),
    now,
    executor: {
      outbox: sends,
      ...createSendParts(config, { now, sleep, observer, ...(o.graph ? { graph: o.graph } : {}) }),
      refusalRetryMs: config.refusalRetryMs,
      owner: randomUUID(),
      now,
      sleep,
      log,
      observer,
    },
  });
  const url = await app.listen({ host: config.host, port: config.port });
  log.info({ port: config.port, database: config.database, graph: config.graphBaseUrl, tenants: tenants().list.map((t) => t.id) }, 'sender running');
  return {
    app,
    url,
    async stop() {
      clearInterval(sweeping);
      watched?.stop();
      await app.close();
      await producer.close();
      await mongo.close();
    },
  };
}
