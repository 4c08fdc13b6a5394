import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { installTestTracing } from './testing/index.ts';
import { traceLogFields } from './trace-log-fields.ts';

installTestTracing();

function sink() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ mixin: traceLogFields }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { logger, lines };
}

test('given an active span, then every line of the logger and its children carries its trace and span ids', () => {
  const { logger, lines } = sink();
  const span = trace.getTracer('t').startSpan('work');
  context.with(trace.setSpan(context.active(), span), () => {
    logger.info({ n: 1 }, 'inside');
    logger.child({ component: 'x' }).warn({ n: 2 }, 'inside, child');
  });
  span.end();
  for (const line of lines) {
    assert.equal(line['trace_id'], span.spanContext().traceId);
    assert.equal(line['span_id'], span.spanContext().spanId);
    assert.equal(line['trace_flags'], '01');
  }
  assert.equal(lines[1]!['component'], 'x');
});

test('given no active span, then lines carry no ids (and the mixin result is never shared between lines)', () => {
  const { logger, lines } = sink();
  logger.info({ a: 1 }, 'one');
  logger.info({ b: 2 }, 'two');
  assert.equal(lines[0]!['trace_id'], undefined);
  assert.equal(lines[1]!['a'], undefined, "the first line's fields did not leak into the second");
});
