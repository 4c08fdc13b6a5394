import { context, isSpanContextValid, ROOT_CONTEXT, SpanKind, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR, extractMessageContext, injectSpanContext, KAFKA, OPERATION, recordFailure, spanMessageKey, type WritableHeaders } from '@wabus/telemetry';

/** Headers ingress writes on every event record (services/ingress `HEADERS`); read here without decoding the value. */
const EVENT_ID_HEADER = 'wabus-event-id';
const DELIVERY_ID_HEADER = 'wabus-delivery-id';

/** What tracing needs of a record; available before (and without) decoding it. */
export interface TracedRecord {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
}

export type RecordOutcome = 'applied' | 'dead_lettered' | 'abandoned';

export interface ConsumerTracing {
  /** Starts the record's CONSUMER span `process <topic>`, child of the producer span named in its headers. */
  startRecord(record: TracedRecord): Span;
  /** Runs one handler call inside its batch span; see `createConsumerTracing` for how it relates to the records. */
  inBatch<T>(recordSpans: readonly Span[], partition: number, offsets: { first: string; last: string }, fn: () => Promise<T>): Promise<T>;
  /**
   * Starts the PRODUCER span `publish <dlq topic>` of a dead letter, child of the record's span, and writes its
   * context into the dead letter's headers (a re-drive continues the same trace).
   */
  startDeadLetter(recordSpan: Span, record: TracedRecord, code: string, headers: WritableHeaders): Span;
  /** Ends a record's span once its fate is durable (committed, or dead-lettered and committed), or abandoned. */
  endRecord(span: Span, outcome: RecordOutcome, error?: Error & { code?: unknown }): void;
}

export interface ConsumerTracingOptions {
  tracer: Tracer;
  topic: string;
  dlqTopic: string;
  groupId: string;
}

/**
 * Spans of the consumer runtime. The relations, which the end-to-end test asserts:
 *
 * - record span R (CONSUMER, `process <topic>`): one per record; parent = the producer span whose context the record
 *   carries in `traceparent`, so it sits in the trace of the webhook request that produced the record.
 * - batch span B (INTERNAL, `handle <topic>`): one per handler call. Everything the handler does (MongoDB commands,
 *   outbound HTTP) is a child of B.
 *   - handler call with ONE record: B is a child of that record's R (one trace from request to store write);
 *   - with SEVERAL records: B starts a trace of its own and links to every R, and every R links back to B (a span
 *     can have one parent only; links keep each record's trace one click away from the shared writes).
 *   A handler call that throws (a retry after an infrastructure error, or a batch narrowed down after a permanent
 *   one) leaves a B with ERROR status and the error's code; each later attempt makes a new B, linked the same way.
 * - dead-letter span D (PRODUCER, `publish <dlq topic>`): child of the record's R; its context goes into the dead
 *   letter's headers.
 * R ends when its record's offset is committed (`wabus.outcome` applied / dead_lettered, ERROR status for the
 * latter) or the partition is given up (abandoned).
 */
export function createConsumerTracing(o: ConsumerTracingOptions): ConsumerTracing {
  const { tracer } = o;
  const processName = `process ${o.topic}`;
  const handleName = `handle ${o.topic}`;
  const deadLetterName = `publish ${o.dlqTopic}`;

  const identity = (r: TracedRecord): Attributes => {
    const a: Attributes = {};
    // Masked like ingress masks it on the producer span (see spanMessageKey): the customer's number never in full.
    if (r.key !== null) a[ATTR.kafkaMessageKey] = spanMessageKey(r.key);
    const eventId = r.headers[EVENT_ID_HEADER];
    if (eventId !== undefined) a[ATTR.eventId] = eventId;
    const deliveryId = r.headers[DELIVERY_ID_HEADER];
    if (deliveryId !== undefined) a[ATTR.deliveryId] = deliveryId;
    return a;
  };

  return {
    startRecord(r) {
      return tracer.startSpan(
        processName,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            [ATTR.messagingSystem]: KAFKA,
            [ATTR.messagingDestination]: o.topic,
            [ATTR.messagingOperationType]: OPERATION.process,
            [ATTR.messagingConsumerGroup]: o.groupId,
            [ATTR.kafkaPartition]: r.partition,
            [ATTR.kafkaOffset]: Number(r.offset),
            ...identity(r),
          },
        },
        extractMessageContext(r.headers),
      );
    },

    async inBatch(recordSpans, partition, offsets, fn) {
      const valid = recordSpans.filter((s) => isSpanContextValid(s.spanContext()));
      const attributes: Attributes = {
        [ATTR.messagingSystem]: KAFKA,
        [ATTR.messagingDestination]: o.topic,
        [ATTR.messagingConsumerGroup]: o.groupId,
        [ATTR.kafkaPartition]: partition,
        [ATTR.messagingBatchCount]: recordSpans.length,
        [ATTR.firstOffset]: Number(offsets.first),
        [ATTR.lastOffset]: Number(offsets.last),
      };
      let batch: Span;
      if (recordSpans.length === 1) {
        batch = tracer.startSpan(handleName, { kind: SpanKind.INTERNAL, attributes }, trace.setSpan(ROOT_CONTEXT, recordSpans[0]!));
      } else {
        batch = tracer.startSpan(
          handleName,
          { kind: SpanKind.INTERNAL, attributes, root: true, links: valid.map((s) => ({ context: s.spanContext() })) },
          ROOT_CONTEXT,
        );
        if (isSpanContextValid(batch.spanContext())) for (const s of valid) s.addLink({ context: batch.spanContext() });
      }
      try {
        return await context.with(trace.setSpan(ROOT_CONTEXT, batch), fn);
      } catch (err) {
        recordFailure(batch, err);
        throw err;
      } finally {
        batch.end();
      }
    },

    startDeadLetter(recordSpan, r, code, headers) {
      const parent = trace.setSpan(ROOT_CONTEXT, recordSpan);
      const span = tracer.startSpan(
        deadLetterName,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR.messagingSystem]: KAFKA,
            [ATTR.messagingDestination]: o.dlqTopic,
            [ATTR.messagingOperationType]: OPERATION.publish,
            [ATTR.errorType]: code,
            ...identity(r),
          },
        },
        parent,
      );
      injectSpanContext(span, headers, parent);
      return span;
    },

    endRecord(span, outcome, error) {
      span.setAttribute(ATTR.outcome, outcome);
      if (outcome === 'dead_lettered') recordFailure(span, error);
      span.end();
    },
  };
}
