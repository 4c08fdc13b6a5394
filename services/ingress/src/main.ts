import { startTelemetry } from '@wabus/telemetry/node';

// Tracing first, before anything imports the modules it instruments. Without OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_TRACES_EXPORTER) nothing starts. Ingress makes its own server spans (request-span.ts), hands each its parent
// explicitly and calls no HTTP API: neither the HTTP instrumentation nor async context tracking, both costly per
// request at ingress' rates.
const telemetry = startTelemetry({ serviceName: 'ingress', instrumentHttp: false, asyncContext: false });

const { default: cluster } = await import('node:cluster');
const { pino } = await import('pino');
const { encodeEvent } = await import('@wabus/events');
const { createKafka } = await import('@wabus/kafka');
const { traceLogFields } = await import('@wabus/telemetry');
const { buildIngressApp } = await import('./app.ts');
const { loadIngressConfig } = await import('./config.ts');
const { createKafkaPublisher } = await import('./kafka-publisher.ts');
const { createIngressMetrics } = await import('./metrics.ts');
const { httpsOptions } = await import('./server-options.ts');
const { environmentKeys, tenantKeys } = await import('./signing-keys.ts');
const { watchTenantsFile } = await import('@wabus/tenants');

const cfg = loadIngressConfig();
// Asynchronous, buffered log writes: one synchronous write per request line was ~8% of CPU under load (bench).
const logDestination = pino.destination({ sync: false, minLength: 4096 });
const logger = pino(
  {
    name: 'ingress',
    level: cfg.logLevel,
    redact: { paths: ['req.headers["x-hub-signature-256"]', 'req.headers.authorization', '*.secret', '*.verifyToken'], censor: '[redacted]' },
    // trace_id and span_id of the active span on every line (the request's, in request logs).
    mixin: traceLogFields,
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
  // A new tenants file: each worker reloads its own.
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
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
    lingerMs: cfg.produceLingerMs,
  });
  const metrics = createIngressMetrics({ queuedRecords: kp.producer.queuedRecords, producerStats: kp.producer.stats, defaultMetrics: true });
  // The tenants file in force, reloaded on SIGHUP (a bad file is reported and the running one stays).
  let keys = cfg.tenantsFile === '' ? environmentKeys(cfg.appSecrets, cfg.verifyToken) : undefined;
  if (keys === undefined) {
    let handle: import('@wabus/tenants').TenantsHandle;
    try {
      handle = watchTenantsFile(cfg.tenantsFile, {
      onReload: (t) => {
        keys = tenantKeys(t);
        logger.info({ tenants: t.list.map((x) => x.id), secrets: keys.secrets.map((x) => x.label) }, 'tenants file reloaded');
        // Rare and awaited by the operator: written now, not when the buffer fills.
        logDestination.flush();
      },
      onError: (err) => {
        logger.error({ err, code: 'WABUS_TENANTS_INVALID' }, 'tenants file NOT reloaded: the running configuration stays');
        logDestination.flush();
      },
      });
    } catch (err) {
      // One clear line, not a stack: the message names the tenant and the field.
      logger.fatal({ code: 'WABUS_TENANTS_INVALID' }, (err as Error).message);
      return exit(2);
    }
    keys = tenantKeys(handle.current());
  }
  const app = buildIngressApp({
    keys: () => keys!,
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
        // Spans of the last requests are exported before the process ends.
        () => telemetry.shutdown().then(() => exit(0)),
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
    {
      url: `${cfg.tlsCert ? 'https' : 'http'}://${cfg.host}:${cfg.port}/webhook`,
      secrets: keys.secrets.map((s) => s.label),
      tenants: keys.tenants.list.map((t) => t.id),
      mtls: cfg.mtls,
      tracing: telemetry.detail,
    },
    'ingress listening',
  );
}
