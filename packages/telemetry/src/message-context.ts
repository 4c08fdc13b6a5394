import { context, propagation, ROOT_CONTEXT, trace, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** Header maps as kafkajs accepts them when producing. */
export type WritableHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

// Made once: this runs for every record, and a closure per call is an allocation (and, under tsx, a __name call).
const HEADER_SETTER: TextMapSetter<WritableHeaders> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};
const HEADER_GETTER: TextMapGetter<Readonly<Record<string, string>>> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};

/**
 * Writes `span`'s context into a record's headers as W3C `traceparent` (and `tracestate`), replacing any there: a
 * record carries the context of the span that produced it, never that of whatever happens to flush it.
 */
export function injectSpanContext(span: Span, headers: WritableHeaders, parent: Context = context.active()): void {
  if (headers['traceparent'] !== undefined) delete headers['traceparent'];
  if (headers['tracestate'] !== undefined) delete headers['tracestate'];
  propagation.inject(trace.setSpan(parent, span), headers, HEADER_SETTER);
}

/** The producer's context from a consumed record's headers (an empty root context when it has none). */
export function extractMessageContext(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, HEADER_GETTER);
}
