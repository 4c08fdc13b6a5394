import { errorEnvelope } from '@wabus/errors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { spanLogFields } from '@wabus/telemetry';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { AppSecret } from './config.ts';
import { IngressError } from './errors.ts';
import { healthRoutes, type Readiness } from '@wabus/service';
import { maskId } from './mask.ts';
import type { IngressMetrics, Outcome } from './metrics.ts';
import type { Publisher } from './publisher.ts';
import type { StoreDeliveryOptions } from './store-delivery.ts';
import { annotateRequestSpan, endRequestSpan, startRequestSpan } from './request-span.ts';
import { serverTimeoutOptions } from './server-options.ts';
import { webhookRoutes } from './webhook-routes.ts';
import { environmentKeys, type SigningKeys } from './signing-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    wabus: {
      outcome?: Outcome;
      deliveryId?: string;
      items?: number;
      secret?: string;
      customers?: (string | null)[];
      quarantine?: { reason: string; detail: string };
      /** The request's server span and its context; absent for probes and scrapes, which are not traced. */
      span?: Span;
      traceContext?: Context;
    };
  }
}

export interface IngressDeps {
  /** Environment-only configuration: the default tenant's secrets and verify token (ignored with `keys`). */
  appSecrets?: readonly AppSecret[];
  verifyToken?: string;
  /** The secrets, tokens and tenants in force, read per request (a tenants file, reloaded on SIGHUP). */
  keys?: () => SigningKeys;
  ackTimeoutMs: number;
  bodyLimit: number;
  requestTimeoutMs: number;
  /** Default: fastify's 72 s (longer than the usual 60 s idle timeout of a load balancer in front). */
  keepAliveTimeoutMs?: number;
  /** How often Node enforces the request timeout; default 1 s. */
  connectionsCheckIntervalMs?: number;
  publisher: Publisher;
  /**
   * The topics the publisher writes and the raw topic's current limit: with them a body whose records Kafka refuses
   * for good is quarantined instead of answered 503 forever (store-delivery.ts, docs/limits.md).
   */
  refusals?: Omit<StoreDeliveryOptions, 'publisher' | 'onRefused'>;
  readiness: () => Promise<Readiness>;
  metrics: IngressMetrics;
  /** What /metrics answers; default `metrics.registry`'s (a worker of several: the whole ingress, cluster-metrics.ts). */
  metricsExposition?: () => Promise<string>;
  logger: Logger;
  logPhoneNumbers: 'masked' | 'clear';
  now?: () => number;
  /** Extra server options (https) from the composition root. */
  serverOptions?: Partial<FastifyServerOptions> & { https?: unknown };
  /** When set, only client certificates with this subject CN are accepted (mutual TLS). */
  mtlsSubject?: string;
  /** Called from onClose, after in-flight requests finished: flush and disconnect the producer. */
  onClose?: () => Promise<void>;
  /** Server spans; default: the global tracer (a no-op until an SDK is started). */
  tracer?: Tracer;
}

const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** Builds the ingress app; no I/O happens until `listen()` or `inject()`. */
export function buildIngressApp(deps: IngressDeps): FastifyInstance {
  const now = deps.now ?? Date.now;
  const tracer = deps.tracer ?? trace.getTracer('@wabus/ingress');
  const { https, ...serverOptions } = deps.serverOptions ?? {};
  const app = Fastify({
    loggerInstance: deps.logger,
    // One line per request comes from our onResponse hook, with the outcome and delivery id.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit,
    return503OnClosing: true,
    ...serverOptions,
    // A client gets requestTimeoutMs for its headers and its whole request; an idle socket is cut after the same.
    ...serverTimeoutOptions(
      {
        requestTimeoutMs: deps.requestTimeoutMs,
        keepAliveTimeoutMs: deps.keepAliveTimeoutMs ?? 72_000,
        connectionsCheckIntervalMs: deps.connectionsCheckIntervalMs ?? 1_000,
      },
      https as object | undefined,
    ),
  }) as unknown as FastifyInstance;

  // `Expect: 100-continue` (RFC 9110 §10.1.1): invite the body only when its declared length is within the limit;
  // otherwise the request goes on without the interim answer and gets its 413 before the client sends megabytes.
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!(Number(req.headers['content-length']) > deps.bodyLimit)) res.writeContinue();
    app.server.emit('request', req, res);
  });

  // The raw bytes are what Meta signed: keep them as a Buffer and never let a JSON parser re-serialise them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/json(\s*;.*)?$/i, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.decorateRequest('wabus', null as never);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) request.wabus = {};
    else {
      const path = request.url.split('?', 1)[0]!;
      const { span, context } = startRequestSpan(tracer, { method: request.method, route, path, headers: request.headers });
      request.wabus = { span, traceContext: context };
    }
    if (deps.mtlsSubject !== undefined) {
      const cert = (request.raw.socket as TLSSocket).getPeerCertificate?.();
      const cn = cert?.subject?.CN;
      if (cn !== deps.mtlsSubject) {
        request.wabus.outcome = 'rejected';
        throw new IngressError('WABUS_INGRESS_CLIENT_CERT', {
          message: `client certificate subject ${cn === undefined ? '(none)' : JSON.stringify(cn)} is not accepted`,
        });
      }
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = (err instanceof IngressError ? err.statusCode : err.statusCode) ?? 500;
    request.wabus.outcome ??= status >= 500 ? 'unavailable' : 'rejected';
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      request.wabus.span?.setAttribute('error.type', err.code ?? 'WABUS_INGRESS_INTERNAL');
    }
    if (status === 503) void reply.header('retry-after', '1');
    return reply.code(status).send(
      errorEnvelope({
        code: err.code ?? 'WABUS_INGRESS_INTERNAL',
        message: status >= 500 && !(err instanceof IngressError) ? 'internal error' : err.message,
      }),
    );
  });

  // Unknown paths and methods: the same error envelope as every other answer, and their own outcome.
  app.setNotFoundHandler(async (request, reply) => {
    request.wabus.outcome = 'not_found';
    const path = request.url.split('?', 1)[0]!;
    return reply.code(404).send(errorEnvelope({ code: 'WABUS_INGRESS_NOT_FOUND', message: `no route ${request.method} ${path}` }));
  });

  app.addHook('onRequestAbort', async (request) => {
    const span = request.wabus?.span;
    if (span === undefined) return;
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted the request' }).setAttribute('error.type', 'aborted');
    span.end();
    delete request.wabus.span;
  });

  // The one line per request is built here from named fields, none of them a secret or a body: it skips the
  // logger's redaction pass (a wildcard walk over every line; ~3 % of ingress CPU under load), and says which
  // request it is itself.
  const accessLog = deps.logger.child({}, { redact: [] });
  app.addHook('onResponse', async (request, reply) => {
    const w = request.wabus ?? {};
    if (w.span !== undefined) {
      annotateRequestSpan(w.span, w);
      endRequestSpan(w.span, reply.statusCode);
    }
    if (request.url.startsWith('/healthz') || request.url.startsWith('/readyz') || request.url.startsWith('/metrics')) return;
    const outcome: Outcome = w.outcome ?? (reply.statusCode < 400 ? 'accepted' : reply.statusCode >= 500 ? 'unavailable' : 'rejected');
    const seconds = reply.elapsedTime / 1000;
    deps.metrics.requests.inc({ outcome });
    deps.metrics.requestDuration.observe({ outcome }, seconds);
    const customers = w.customers ? [...new Set(w.customers.filter((c): c is string => c !== null))] : undefined;
    const line = {
      reqId: request.id,
      method: request.method,
      // An unknown path is the client's to choose, up to the 16 KB header limit: a log line keeps its start.
      path: request.routeOptions.url ?? request.url.split('?')[0]!.slice(0, 256),
      status: reply.statusCode,
      outcome,
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      deliveryId: w.deliveryId,
      items: w.items,
      secret: w.secret,
      customers: customers?.slice(0, 10).map((c) => (deps.logPhoneNumbers === 'clear' ? c : maskId(c))),
      quarantine: w.quarantine,
      // The server span's ids, so this line leads to the request's trace.
      ...spanLogFields(w.span),
    };
    if (outcome === 'quarantined') accessLog.warn(line, 'webhook quarantined');
    else if (reply.statusCode >= 500) accessLog.error(line, 'webhook not stored');
    else accessLog.info(line, 'webhook');
  });

  void app.register(webhookRoutes, {
    keys:
      deps.keys ??
      (
        (fixed) => () =>
          fixed
      )(environmentKeys(deps.appSecrets ?? [], deps.verifyToken ?? '')),
    ackTimeoutMs: deps.ackTimeoutMs,
    publisher: deps.publisher,
    ...(deps.refusals ? { refusals: deps.refusals } : {}),
    metrics: deps.metrics,
    now,
  });
  void app.register(healthRoutes, {
    readiness: deps.readiness,
    registry: deps.metrics.registry,
    ...(deps.metricsExposition ? { exposition: deps.metricsExposition } : {}),
  });
  if (deps.onClose) {
    const onClose = deps.onClose;
    app.addHook('onClose', async () => onClose());
  }
  return app;
}
