import { context, propagation, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';

/** Header maps as kafkajs accepts them when producing. */
export type WritableHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

/**
 * Writes `span`'s context into a record's headers as W3C `traceparent` (and `tracestate`), replacing any there: a
 * record carries the context of the span that produced it, never that of whatever happens to flush it.
 */
export function injectSpanContext(span: Span, headers: WritableHeaders, parent: Context = context.active()): void {
  if (headers['traceparent'] !== undefined) delete headers['traceparent'];
  if (headers['tracestate'] !== undefined) delete headers['tracestate'];
  propagation.inject(trace.setSpan(parent, span), headers, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
}

/** The producer's context from a consumed record's headers (an empty root context when it has none). */
export function extractMessageContext(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => carrier[key],
    keys: (carrier) => Object.keys(carrier),
  });
}
