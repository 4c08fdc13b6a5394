import type { IncomingHttpHeaders } from 'node:http';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR } from '@wabus/telemetry';
import type { Outcome } from './metrics.ts';

/** A request's server span and the context to parent its work on (the producer spans of its records). */
export interface RequestTrace {
  span: Span;
  context: Context;
}

/** What ingress knows about a request once it is answered (a subset of `request.wabus`). */
export interface RequestFacts {
  outcome?: Outcome;
  deliveryId?: string;
  items?: number;
  quarantine?: { reason: string };
}

/**
 * Starts the SERVER span of a request, `POST /webhook`: method and route (the path only for unknown routes; never the
 * query string, where the handshake's verify token travels); the status code comes at the end. Each attribute is
 * serialized for every exported span, so only what the dashboards and the trace view use. It continues a W3C
 * `traceparent` the request carries (Meta sends none; a proxy in front may).
 *
 * Made here from fastify hooks rather than by @opentelemetry/instrumentation-http: ingress needs one span per
 * request and no context activation across fastify's internals (the span's context is handed to the publisher
 * explicitly), and the instrumentation's per-request work was most of tracing's cost at ingress' request rates.
 */
export function startRequestSpan(tracer: Tracer, req: { method: string; route: string | undefined; path: string; headers: IncomingHttpHeaders }): RequestTrace {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    req.route === undefined ? req.method : `${req.method} ${req.route}`,
    {
      kind: SpanKind.SERVER,
      attributes:
        req.route === undefined
          ? { 'http.request.method': req.method, 'url.path': req.path }
          : { 'http.request.method': req.method, [ATTR.httpRoute]: req.route },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Delivery id, item count, outcome and quarantine reason (a code). Never the body, the signature or a secret. */
export function annotateRequestSpan(span: Span, facts: RequestFacts): void {
  if (facts.deliveryId !== undefined) span.setAttribute(ATTR.deliveryId, facts.deliveryId);
  if (facts.items !== undefined) span.setAttribute(ATTR.items, facts.items);
  if (facts.outcome !== undefined) span.setAttribute(ATTR.outcome, facts.outcome);
  if (facts.quarantine !== undefined) span.setAttribute('wabus.quarantine_reason', facts.quarantine.reason);
}

/** Ends the span with the status code; 5xx is an error (the server's), 4xx is not (HTTP conventions for servers). */
export function endRequestSpan(span: Span, statusCode: number): void {
  span.setAttribute('http.response.status_code', statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
