import { context, isSpanContextValid, trace, type Span } from '@opentelemetry/api';

/**
 * A pino `mixin`: every log line written while a span is active carries its ids, so a log line leads to its trace.
 * Field names as in OpenTelemetry's log correlation (`trace_id`, `span_id`, `trace_flags`). Returns a new object
 * each call: pino merges the line's own fields into it.
 */
export function traceLogFields(): Record<string, string> {
  return spanLogFields(trace.getSpan(context.active()));
}

/** The same fields for a given span, for a log line written outside its context (a new object each call). */
export function spanLogFields(span: Span | undefined): Record<string, string> {
  if (span === undefined) return {};
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags.toString(16).padStart(2, '0') };
}
