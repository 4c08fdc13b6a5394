import { trace } from '@opentelemetry/api';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { MongoClient, type Db } from 'mongodb';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { errorEnvelope, useErrorEnvelope } from '@wabus/errors';
import { healthRoutes, readinessOf } from '@wabus/service';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import { createKafka, runConsumer, type ConsumerHandler, type ConsumerObserver, type ConsumerRuntime } from '@wabus/kafka';
import type { ConsumerConfig } from './consumer-config.ts';

/**
 * A service's handler: the runtime's, with `decode` optional when the events are the wabus contract's (records are
 * decoded with `decodeEvent` unless the service says otherwise); events of another type must say how.
 */
export type ServiceHandler<E = WhatsAppEvent> = Omit<ConsumerHandler<E>, 'decode'> &
  ([WhatsAppEvent] extends [E] ? { decode?: ConsumerHandler<E>['decode'] } : { decode: ConsumerHandler<E>['decode'] });

/**
 * A second topic a service consumes into the same database, with a handler of its own, on a group of its own
 * (`<groupId>.<name>`): e.g. status-tracker's sends beside its events. Same runtime, same dead-letter topic.
 */
export interface AdditionalConsumer<S> {
  /** Names its group (`<groupId>.<name>`), its entry in /v1/lag and its log lines. */
  name: string;
  topic: string;
  /** Built once the database is connected, after the main handler. */
  handler: (db: Db) => Promise<ConsumerHandler<S>>;
  /** The label its records count under in the consumer metrics (default `name`). */
  kindOf?: (event: S) => string;
}

export interface ConsumerServiceOptions<E, S = never> {
  name: string;
  config: ConsumerConfig;
  logger: Logger;
  /** Builds the handler once the database is connected (indexes are created here, before any traffic). */
  handler: (db: Db) => Promise<ServiceHandler<E>>;
  /** The service's read API, registered with the database. */
  routes?: FastifyPluginAsync<{ db: Db }>;
  registry: Registry;
  observer: ConsumerObserver;
  /**
   * Another topic to consume (see AdditionalConsumer); not consumed, with a warning, when the topic is missing. A
   * shadow (replay-only) run consumes it too, from the start: the shadow's group, and so this one, is new.
   */
  additional?: AdditionalConsumer<S>;
}

export interface ConsumerService {
  app: FastifyInstance;
  runtime: ConsumerRuntime;
  /** The runtime of the redrive topic; null when it is missing, disabled, or in a replay-only (shadow) run. */
  redrive: ConsumerRuntime | null;
  /** The runtime of the additional topic; null when none is given or its topic is missing. */
  additional: ConsumerRuntime | null;
  mongo: MongoClient;
  db: Db;
  /** Graceful: stop consuming (finish the chunk in hand, commit, leave the group), close the API, close the store. */
  stop(): Promise<void>;
}

/**
 * Composition shared by every consumer service: its own Mongo database, the consumer runtime on its own group, and
 * an HTTP server with /healthz, /readyz (group joined, no partition paused, store answering), /metrics, /v1/lag and
 * the service's own read routes.
 */
export async function startConsumerService<E = WhatsAppEvent, S = never>(opts: ConsumerServiceOptions<E, S>): Promise<ConsumerService> {
  const { config, logger } = opts;
  // Timeouts so that a store that stops answering fails operations (and pauses partitions) instead of hanging them.
  const mongo = new MongoClient(config.mongoUri, { serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 10_000, connectTimeoutMS: 5_000 });
  await mongo.connect();
  const db = mongo.db(config.database);
  const handler = await opts.handler(db);
  // Without its own `decode` the handler's events are WhatsAppEvents (ServiceHandler's type says so).
  const decode = handler.decode ?? (decodeEvent as unknown as ConsumerHandler<E>['decode']);
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `wabus-${opts.name}`, log: logger.child({ component: 'kafka' }) });
  const common = {
    kafka,
    dlqTopic: config.dlqTopic,
    maxBatchRecords: config.maxBatchRecords,
    partitionsConsumedConcurrently: config.partitionsConcurrently,
    sessionTimeoutMs: config.sessionTimeoutMs,
    kindOf: (e: E) => {
      const k = (e as { kind?: unknown }).kind;
      return typeof k === 'string' ? k : 'unknown';
    },
    ...handler,
    decode,
  };
  const runtime = await runConsumer<E>({
    ...common,
    groupId: config.groupId,
    topic: config.topic,
    replayOnly: config.replayOnly,
    log: logger,
    observer: opts.observer,
    // Events of the wabus contract carry the time ingress received their webhook.
    eventTime: (e: E) => {
      const t = (e as { receivedAt?: unknown }).receivedAt;
      return typeof t === 'number' ? t : null;
    },
  });
  const redrive = config.replayOnly ? null : await startRedrive();
  const additional = opts.additional ? await startAdditional(opts.additional) : null;
  const runtimes = [runtime, redrive, additional].filter((r): r is ConsumerRuntime => r !== null);

  // listTopics, not a metadata request: that could auto-create the topic on a broker that allows it.
  async function topicExists(topic: string): Promise<boolean> {
    const admin = kafka.admin();
    await admin.connect();
    return admin
      .listTopics()
      .then((topics) => topics.includes(topic))
      .finally(() => admin.disconnect());
  }

  async function startAdditional(a: AdditionalConsumer<S>): Promise<ConsumerRuntime | null> {
    if (!(await topicExists(a.topic))) {
      logger.warn({ topic: a.topic, consumer: a.name }, 'topic missing (run `pnpm wabus topics apply`): not consumed');
      return null;
    }
    const { applied, deadLettered, retried, batchSeconds } = opts.observer;
    return runConsumer<S>({
      kafka,
      dlqTopic: config.dlqTopic,
      maxBatchRecords: config.maxBatchRecords,
      partitionsConsumedConcurrently: config.partitionsConcurrently,
      sessionTimeoutMs: config.sessionTimeoutMs,
      kindOf: a.kindOf ?? (() => a.name),
      ...(await a.handler(db)),
      groupId: `${config.groupId}.${a.name}`,
      topic: a.topic,
      // A shadow replay holds this topic at its frontier too (`wabus replay` plans it with the events topic).
      replayOnly: config.replayOnly,
      log: logger.child({ consumer: a.name }),
      observer: { applied, deadLettered, retried, batchSeconds },
    });
  }

  /**
   * Dead letters put back by `wabus dlq redrive` arrive on the service's redrive topic, consumed by a group of its
   * own (`<group>.redrive`) through the same handler: applied, deduplicated or dead-lettered again like any event.
   */
  async function startRedrive(): Promise<ConsumerRuntime | null> {
    if (config.redriveTopic === '-') return null;
    const redriveTopic = config.redriveTopic || `${config.topic}.redrive.${opts.name}`;
    if (!(await topicExists(redriveTopic))) {
      logger.warn({ redriveTopic }, 'redrive topic missing (run `pnpm wabus topics apply`): re-driven dead letters are not consumed');
      return null;
    }
    const { applied, deadLettered, retried } = opts.observer;
    return runConsumer<E>({
      ...common,
      groupId: `${config.groupId}.redrive`,
      topic: redriveTopic,
      partitionsConsumedConcurrently: 1,
      log: logger.child({ consumer: 'redrive' }),
      observer: { applied, deadLettered, retried },
    });
  }

  new Gauge({
    name: 'wabus_consumer_ready',
    help: '1 when the service is a member of its group with no partition paused (what /readyz reports, store aside)',
    registers: [opts.registry],
    collect() {
      this.set(runtimes.every((r) => r.ready()) ? 1 : 0);
    },
  });

  const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }) }) as unknown as FastifyInstance;
  // The HTTP instrumentation's server span knows no route: name it `GET /v1/messages/:id`, as the conventions ask.
  app.addHook('onRequest', (request, _reply, done) => {
    const span = trace.getActiveSpan();
    const route = request.routeOptions.url;
    if (span !== undefined && route !== undefined) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
    done();
  });
  // Every answer of the service's API in the one envelope: its errors, fastify's own 4xx, unknown routes.
  const prefix = `WABUS_${opts.name.toUpperCase().replaceAll('-', '_')}`;
  useErrorEnvelope(app, `${prefix}_INTERNAL`);
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send(errorEnvelope({ code: `${prefix}_NOT_FOUND`, message: `no route ${request.method} ${request.url.split('?', 1)[0]}` })),
  );
  await app.register(healthRoutes, {
    registry: opts.registry,
    async readiness() {
      const store = await db
        .command({ ping: 1 }, { timeoutMS: 2_000 })
        .then(() => ({ ok: true }))
        .catch((err: Error) => ({ ok: false, detail: err.message }));
      const status = runtime.status();
      const paused = runtimes.flatMap((r) => r.status().partitions).filter((p) => p.paused);
      return readinessOf({
        consumer: status.joined ? { ok: true } : { ok: false, detail: 'not (yet) a member of the consumer group' },
        partitions: paused.length === 0 ? { ok: true } : { ok: false, detail: paused.map((p) => `partition ${p.partition}: ${p.lastError}`).join('; ') },
        store,
      });
    },
  });
  app.get('/v1/lag', async () => ({
    ...runtime.status(),
    ...(redrive ? { redrive: redrive.status() } : {}),
    ...(additional && opts.additional ? { [opts.additional.name]: additional.status() } : {}),
  }));
  if (opts.routes) await app.register(opts.routes, { db });
  await app.listen({ host: config.host, port: config.port });
  logger.info({ groupId: config.groupId, topic: config.topic, database: config.database, port: config.port }, `${opts.name} running`);

  return {
    app,
    runtime,
    redrive,
    additional,
    mongo,
    db,
    async stop() {
      await Promise.all(runtimes.map((r) => r.stop()));
      await app.close();
      await mongo.close();
    },
  };
}
