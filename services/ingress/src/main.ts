import cluster from 'node:cluster';
import { pino } from 'pino';
import { encodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { buildIngressApp } from './app.ts';
import { loadIngressConfig } from './config.ts';
import { createKafkaPublisher } from './kafka-publisher.ts';
import { createIngressMetrics } from './metrics.ts';
import { httpsOptions } from './server-options.ts';

const cfg = loadIngressConfig();
// Asynchronous, buffered log writes: one synchronous write per request line was ~8% of CPU under load (bench).
const logDestination = pino.destination({ sync: false, minLength: 4096 });
const logger = pino(
  {
    name: 'ingress',
    level: cfg.logLevel,
    redact: { paths: ['req.headers["x-hub-signature-256"]', 'req.headers.authorization', '*.secret', '*.verifyToken'], censor: '[redacted]' },
  },
  logDestination,
);
const exit = (code: number): never => {
  logDestination.flushSync();
  process.exit(code);
};

if (cfg.workers > 1 && cluster.isPrimary) {
  // Each worker is a whole ingress (own producer, own batcher) on the shared port; the primary only supervises.
  logger.info({ workers: cfg.workers }, 'starting ingress workers');
  for (let i = 0; i < cfg.workers; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'ingress worker died; starting another');
    cluster.fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    });
  }
} else {
  await runIngress();
}

async function runIngress(): Promise<void> {
  const kafka = createKafka({ brokers: cfg.kafkaBrokers, clientId: 'wabus-ingress', log: logger.child({ component: 'kafka' }) });
  const kp = createKafkaPublisher({
    kafka,
    rawTopic: cfg.rawTopic,
    eventsTopic: cfg.eventsTopic,
    encode: encodeEvent,
    log: logger,
    produceTimeoutMs: cfg.ackTimeoutMs,
  });
  const metrics = createIngressMetrics({ queuedRecords: kp.batcher.queuedRecords, defaultMetrics: true });
  const app = buildIngressApp({
    appSecrets: cfg.appSecrets,
    verifyToken: cfg.verifyToken,
    ackTimeoutMs: cfg.ackTimeoutMs,
    bodyLimit: cfg.bodyLimit,
    requestTimeoutMs: cfg.requestTimeoutMs,
    publisher: kp.publisher,
    readiness: kp.readiness,
    metrics,
    logger,
    logPhoneNumbers: cfg.logPhoneNumbers,
    serverOptions: httpsOptions(cfg),
    ...(cfg.mtls ? { mtlsSubject: cfg.mtlsSubject } : {}),
    onClose: kp.close,
  });

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones, flushing the producer');
      const force = setTimeout(() => {
        logger.error('shutdown took longer than 30 s; exiting');
        exit(1);
      }, 30_000);
      force.unref();
      app.close().then(
        () => exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          exit(1);
        },
      );
    });
  }

  void kp.connect();
  await app.listen({ host: cfg.host, port: cfg.port });
  logger.info(
    { url: `${cfg.tlsCert ? 'https' : 'http'}://${cfg.host}:${cfg.port}/webhook`, secrets: cfg.appSecrets.map((s) => s.label), mtls: cfg.mtls },
    'ingress listening',
  );
}
