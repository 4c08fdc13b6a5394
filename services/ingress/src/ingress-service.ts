import cluster from 'node:cluster';
import { Counter, Registry } from 'prom-client';
import { encodeEvent } from '@wabus/events';
import { createKafka, type KafkaClient } from '@wabus/kafka';
import { SUPERVISOR_PID_ENV } from '@wabus/service/supervisor';
import type { ServiceContext, ServiceDefinition } from '@wabus/service/main';
import { watchTenantsFile } from '@wabus/tenants';
import { buildIngressApp } from './app.ts';
import { mergeWorkerMetrics, workerMetrics } from './cluster-metrics.ts';
import { loadIngressConfig, type IngressConfig } from './config.ts';
import { createKafkaPublisher } from './kafka-publisher.ts';
import { createIngressMetrics } from './metrics.ts';
import { UNLISTED_SOURCES_MAX } from './source-metrics.ts';
import { httpsOptions } from './server-options.ts';
import { awaitTopicLimits, checkTopicLimits } from './topic-limits-check.ts';
import { environmentKeys, tenantKeys, type SigningKeys } from './signing-keys.ts';
import { answerWatchdog, watchWorkers } from './worker-watchdog.ts';

/**
 * ingress for the chassis. Its log is buffered (one synchronous write per request line was ~8 % of CPU under load)
 * and redacts the signature and verify token besides every service's secrets. With INGRESS_WORKERS > 1 the first
 * process only supervises: each worker is a whole ingress (own producer, own batcher) on the shared port.
 */
export const ingressService: ServiceDefinition<IngressConfig> = {
  config: (_facts, env) => loadIngressConfig(env),
  logLevel: (c) => c.logLevel,
  logging: { buffered: true, redact: ['req.headers["x-hub-signature-256"]', 'req.headers.authorization', '*.verifyToken'] },
  stopping: 'no new requests, finishing in-flight ones, flushing the producer',
  start: (ctx) => (ctx.config.workers > 1 && cluster.isPrimary ? superviseWorkers(ctx) : startIngress(ctx)),
};

/**
 * What the raw and events topics take, once the cluster answers; a start whose topics could not store a body of
 * INGRESS_BODY_LIMIT is refused (WABUS_INGRESS_TOPIC_TOO_SMALL, docs/limits.md).
 */
async function checkedTopicLimits(cfg: IngressConfig, logger: ServiceContext<IngressConfig>['logger'], kafka: KafkaClient) {
  const limits = await awaitTopicLimits(kafka, [cfg.rawTopic, cfg.eventsTopic], logger);
  checkTopicLimits(cfg.bodyLimit, limits);
  logger.info({ bodyLimit: cfg.bodyLimit, topics: limits }, 'the topics take a body of the limit');
  return limits;
}

/**
 * Forks the workers, replaces any that dies or stalls (worker-watchdog.ts), forwards SIGHUP (a new tenants file: each
 * reloads its own). Its one metric, merged into every scrape: the workers it replaced, and why.
 */
async function superviseWorkers({ config, logger }: ServiceContext<IngressConfig>): Promise<{ stop(): Promise<void> }> {
  // Checked here too: a worker refusing to start would otherwise be replaced, again and again.
  await checkedTopicLimits(config, logger, createKafka({ brokers: config.kafkaBrokers, clientId: 'wabus-ingress', log: logger.child({ component: 'kafka' }) }));
  logger.info({ workers: config.workers }, 'starting ingress workers');
  const own = new Registry();
  const replaced = new Counter({
    name: 'wabus_ingress_workers_replaced_total',
    help: 'ingress workers the supervisor replaced: died (exited, killed) or stalled (its event loop silent for INGRESS_WORKER_STALL_MS, then killed)',
    labelNames: ['reason'],
    registers: [own],
  });
  for (const reason of ['died', 'stalled']) replaced.inc({ reason }, 0);
  mergeWorkerMetrics({ own });
  // The workers watch no supervisor (an empty variable is unset): node:cluster ends a worker at once when its primary
  // is gone, and a stopping primary stops its workers itself. Only the primary watches whoever started it.
  const fork = () => cluster.fork({ [SUPERVISOR_PID_ENV]: '' });
  for (let i = 0; i < config.workers; i++) fork();
  let stopping = false;
  const workers = () => Object.values(cluster.workers ?? {});
  const stalled = new Set<number>();
  const watchdog =
    config.workerStallMs > 0
      ? watchWorkers({
          stallMs: config.workerStallMs,
          onStalled: (worker, silentMs) => {
            stalled.add(worker.id);
            logger.error(
              { workerPid: worker.process.pid, silentMs, code: 'WABUS_INGRESS_WORKER_STALLED' },
              'ingress worker stalled (its event loop did not answer): killing it',
            );
          },
        })
      : undefined;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const reason = stalled.delete(worker.id) ? 'stalled' : 'died';
    replaced.inc({ reason });
    logger.error({ workerPid: worker.process.pid, code, signal, reason }, 'ingress worker died; starting another');
    fork();
  });
  process.on('SIGHUP', () => {
    for (const w of workers()) w?.process.kill('SIGHUP');
  });
  return {
    async stop() {
      stopping = true;
      watchdog?.stop();
      const exited = workers().map((w) => new Promise<void>((resolve) => (w === undefined || w.isDead() ? resolve() : w.once('exit', () => resolve()))));
      for (const w of workers()) w?.process.kill('SIGTERM');
      await Promise.all(exited);
    },
  };
}

/** One whole ingress: the producer, the signing keys (the tenants file's, reloaded on SIGHUP), the HTTP server. */
async function startIngress({ config: cfg, logger, telemetry }: ServiceContext<IngressConfig>): Promise<{ stop(): Promise<void> }> {
  if (cluster.isWorker) answerWatchdog();
  let keys: SigningKeys = cfg.tenantsFile === '' ? environmentKeys(cfg.appSecrets, cfg.verifyToken) : tenantKeys(watchTenants(cfg.tenantsFile).current());
  function watchTenants(path: string) {
    // A bad file at start is a failed start (one line naming the tenant and the field); on SIGHUP the running one stays.
    return watchTenantsFile(path, {
      onReload: (t) => {
        keys = tenantKeys(t);
        logger.info({ tenants: t.list.map((x) => x.id), secrets: keys.secrets.map((x) => x.label) }, 'tenants file reloaded');
        // Rare and awaited by the operator: written now, not when the buffer fills.
        logger.flush();
      },
      onError: (err) => {
        logger.error({ err, code: 'WABUS_TENANTS_INVALID' }, 'tenants file NOT reloaded: the running configuration stays');
        logger.flush();
      },
    });
  }
  const kafka = createKafka({ brokers: cfg.kafkaBrokers, clientId: 'wabus-ingress', log: logger.child({ component: 'kafka' }) });
  const topicLimits = await checkedTopicLimits(cfg, logger, kafka);
  const kp = createKafkaPublisher({
    kafka,
    rawTopic: cfg.rawTopic,
    eventsTopic: cfg.eventsTopic,
    encode: encodeEvent,
    log: logger,
    produceTimeoutMs: cfg.ackTimeoutMs,
    lingerMs: cfg.produceLingerMs,
    maxQueuedBytes: cfg.produceQueueBytes,
    topicLimits,
  });
  const metrics = createIngressMetrics({
    queuedRecords: kp.producer.queuedRecords,
    producerStats: kp.producer.stats,
    defaultMetrics: true,
    sources: {
      onCapped: (tenant, waba) => {
        logger.warn(
          { tenant, waba, max: UNLISTED_SOURCES_MAX },
          'more unlisted WABAs than get series of their own: later ones count as waba="_other" (docs/silence.md)',
        );
      },
    },
  });
  const app = buildIngressApp({
    keys: () => keys,
    ackTimeoutMs: cfg.ackTimeoutMs,
    bodyLimit: cfg.bodyLimit,
    requestTimeoutMs: cfg.requestTimeoutMs,
    keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
    connectionsCheckIntervalMs: cfg.connectionsCheckIntervalMs,
    publisher: kp.publisher,
    refusals: { rawTopic: cfg.rawTopic, eventsTopic: cfg.eventsTopic, rawBatchLimit: kp.rawBatchLimit },
    readiness: kp.readiness,
    metrics,
    // One of several workers: a scrape answers for all of them (cluster-metrics.ts).
    ...(cluster.isWorker ? { metricsExposition: workerMetrics(metrics.registry) } : {}),
    logger,
    logPhoneNumbers: cfg.logPhoneNumbers,
    serverOptions: httpsOptions(cfg),
    ...(cfg.mtls ? { mtlsSubject: cfg.mtlsSubject } : {}),
    onClose: kp.close,
  });
  void kp.connect();
  await app.listen({ host: cfg.host, port: cfg.port });
  logger.info(
    {
      url: `${cfg.tlsCert ? 'https' : 'http'}://${cfg.host}:${cfg.port}/webhook`,
      secrets: keys.secrets.map((s) => s.label),
      tenants: keys.tenants.list.map((t) => t.id),
      mtls: cfg.mtls,
      tracing: telemetry.detail,
    },
    'ingress listening',
  );
  return { stop: () => app.close() };
}
