import { context, SpanKind, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { eventRecord, RECORD_HEADERS, splitIntoChunks, WIDEST_CHUNK_HEADERS, type WhatsAppEvent } from '@wabus/events';
import { RECORD_BATCH_OVERHEAD, recordBytes, type ProduceMessage, type Producer, type TopicMessages } from '@wabus/kafka';
import { ATTR, injectSpanContext, KAFKA, OPERATION, recordFailure, spanMessageKey } from '@wabus/telemetry';

export interface Delivery {
  deliveryId: string;
  body: Buffer;
  receivedAt: number;
  secretLabel: string;
  /** The tenants of the body's items (accepted), or of the secret that signed it (quarantined), sorted. */
  tenantIds?: readonly string[];
}

export type Disposition = { kind: 'accepted'; events: WhatsAppEvent[] } | { kind: 'quarantined'; reason: string; detail: string };

export interface Publisher {
  /**
   * Appends the raw body and, when accepted, one record per event, and resolves once Kafka acknowledged all of
   * them. Rejects (KafkaError) when that is not known to have happened by `deadline`. The records' producer spans are
   * children of `parent` (the request's server span; default: the active context). With `rawBatchLimit` (a quarantined
   * body only) the body goes as pieces, each a record the raw topic takes in a batch of that many bytes.
   */
  publish(delivery: Delivery, disposition: Disposition, deadline: number, parent?: Context, opts?: { rawBatchLimit?: number }): Promise<void>;
}

export interface PublisherOptions {
  producer: Pick<Producer, 'send'>;
  rawTopic: string;
  eventsTopic: string;
  encode: (event: WhatsAppEvent) => Buffer;
  /** Producer spans, one per record; default: the global tracer (a no-op until an SDK is started). */
  tracer?: Tracer;
}

/**
 * Called for each event record as it is built, with its headers still writable: starts the record's producer span
 * and writes that span's context into the headers.
 */
export type TraceRecord = (headers: Record<string, string>, event: WhatsAppEvent) => void;
/** Called with the raw record's headers: writes the request's context into them. */
export type TraceRaw = (headers: Record<string, string>) => void;

/**
 * Builds the records of one delivery: the raw body first, then its events in body order. With `rawBatchLimit`, a
 * quarantined body is cut into pieces (docs/limits.md) whose records each fit a batch of that many bytes.
 */
export function recordsFor(
  delivery: Delivery,
  disposition: Disposition,
  opts: Pick<PublisherOptions, 'rawTopic' | 'eventsTopic' | 'encode'> & { rawBatchLimit?: number },
  traceRecord: TraceRecord = () => {},
  traceRaw: TraceRaw = () => {},
): TopicMessages[] {
  const rawHeaders: Record<string, string> = {
    [RECORD_HEADERS.deliveryId]: delivery.deliveryId,
    [RECORD_HEADERS.receivedAt]: String(delivery.receivedAt),
    [RECORD_HEADERS.secret]: delivery.secretLabel,
    [RECORD_HEADERS.disposition]: disposition.kind,
    'content-type': 'application/json',
  };
  if (delivery.tenantIds !== undefined && delivery.tenantIds.length > 0) rawHeaders[RECORD_HEADERS.tenant] = delivery.tenantIds.join(',');
  if (disposition.kind === 'quarantined') rawHeaders[RECORD_HEADERS.quarantineReason] = disposition.reason;
  else rawHeaders[RECORD_HEADERS.items] = String(disposition.events.length);
  traceRaw(rawHeaders);
  const rawRecord = { key: delivery.deliveryId, value: delivery.body, headers: rawHeaders, timestamp: String(delivery.receivedAt) };
  const raw: TopicMessages = { topic: opts.rawTopic, messages: [rawRecord] };
  if (disposition.kind === 'quarantined' && opts.rawBatchLimit !== undefined) {
    const beside = RECORD_BATCH_OVERHEAD + recordBytes({ ...rawRecord, value: Buffer.alloc(0), headers: { ...rawHeaders, ...WIDEST_CHUNK_HEADERS } });
    raw.messages = splitIntoChunks(rawRecord, opts.rawBatchLimit - beside);
  }
  if (disposition.kind === 'quarantined' || disposition.events.length === 0) return [raw];
  const messages: ProduceMessage[] = disposition.events.map((event) => {
    const record = eventRecord(event, delivery.deliveryId, delivery.receivedAt, opts.encode);
    const headers: Record<string, string> = record.headers;
    traceRecord(headers, event);
    return { ...record, headers };
  });
  return [raw, { topic: opts.eventsTopic, messages }];
}

/**
 * Each event record gets a PRODUCER span `publish <topic>`, child of the request's server span, and carries that
 * span's context in its `traceparent`/`tracestate` headers: the records are built here, inside the request, so a
 * micro-batched flush of many requests leaves every record its own origin. The spans end when the batch holding
 * their records is acknowledged by Kafka (or with ERROR and `error.type` when it is not). The raw record carries the
 * request's own context (no span of its own: at one item per body that would be a third of ingress' spans, and the
 * server span already covers its produce).
 */
export function createPublisher(opts: PublisherOptions): Publisher {
  const tracer = opts.tracer ?? trace.getTracer('@wabus/ingress');
  const spanName = `publish ${opts.eventsTopic}`;
  const spanOptions = { kind: SpanKind.PRODUCER };
  /**
   * Set only on a span that records: for a sampled-out span (or with tracing off) they would be built for nothing.
   * The delivery id is the parent server span's attribute, not repeated here: serializing attributes is most of what
   * exporting a span costs.
   */
  const attributesOf = (event: WhatsAppEvent): Attributes => ({
    [ATTR.messagingSystem]: KAFKA,
    [ATTR.messagingDestination]: opts.eventsTopic,
    [ATTR.messagingOperationType]: OPERATION.publish,
    [ATTR.kafkaMessageKey]: spanMessageKey(event.key),
    [ATTR.eventId]: event.eventId,
    [ATTR.eventKind]: event.kind,
  });
  return {
    publish(delivery, disposition, deadline, parent = context.active(), o = {}) {
      const spans: Span[] = [];
      const traceRecord: TraceRecord = (headers, event) => {
        const span = tracer.startSpan(spanName, spanOptions, parent);
        injectSpanContext(span, headers, parent);
        if (!span.isRecording()) return;
        span.setAttributes(attributesOf(event));
        spans.push(span);
      };
      const traceRaw: TraceRaw = (headers) => {
        const span = trace.getSpan(parent);
        if (span !== undefined) injectSpanContext(span, headers, parent);
      };
      const build = o.rawBatchLimit === undefined ? opts : { ...opts, rawBatchLimit: o.rawBatchLimit };
      return opts.producer.send(recordsFor(delivery, disposition, build, traceRecord, traceRaw), { deadline }).then(
        () => {
          for (const span of spans) span.end();
        },
        (err: unknown) => {
          for (const span of spans) {
            recordFailure(span, err);
            span.end();
          }
          throw err;
        },
      );
    },
  };
}
