import { SpanStatusCode, type Span } from '@opentelemetry/api';

/**
 * Marks a span failed: ERROR status, `error.type` (the error's stable `code`, else its name) and an `exception` event
 * with that type only. The error's text stays in the log line, which carries the trace id: decode and store errors
 * can quote record or document content, and spans never hold that.
 */
export function recordFailure(span: Span, err: unknown): void {
  const type = errorType(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  span.setAttribute('error.type', type);
  span.addEvent('exception', { 'exception.type': type });
}

export function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string') return code;
  if (typeof code === 'number') return `E${code}`;
  const name = (err as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : 'Error';
}
