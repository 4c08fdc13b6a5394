import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** A span as plain data, for a structured copy to another thread: what the OTLP transformer reads, nothing else. */
export interface SpanData {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState: string | undefined;
  parentSpanId: string | undefined;
  parentIsRemote: boolean | undefined;
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: TimedEvent[];
  droppedEventsCount: number;
  links: LinkData[];
  droppedLinksCount: number;
  status: SpanStatus;
  /** Index into the batch's `resources` and `scopes`. */
  resource: number;
  scope: number;
}

interface LinkData {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote: boolean | undefined;
  traceState: string | undefined;
  attributes: Attributes | undefined;
  droppedAttributesCount: number | undefined;
}

export interface ResourceData {
  attributes: Attributes;
  schemaUrl: string | undefined;
}

export interface ScopeData {
  name: string;
  version: string | undefined;
  schemaUrl: string | undefined;
}

export interface SpanBatch {
  resources: ResourceData[];
  scopes: ScopeData[];
  spans: SpanData[];
}

type ReadableResource = ReadableSpan['resource'];

const linkData = (link: Link): LinkData => ({
  traceId: link.context.traceId,
  spanId: link.context.spanId,
  traceFlags: link.context.traceFlags,
  isRemote: link.context.isRemote,
  traceState: link.context.traceState?.serialize(),
  attributes: link.attributes,
  droppedAttributesCount: link.droppedAttributesCount,
});

/** ReadableSpans → plain data. Resources and scopes are sent once per batch: the transformer groups spans by them. */
export function toSpanBatch(spans: readonly ReadableSpan[]): SpanBatch {
  const resources: ResourceData[] = [];
  const resourceIndex = new Map<ReadableResource, number>();
  const scopes: ScopeData[] = [];
  const scopeIndex = new Map<string, number>();
  const out: SpanData[] = new Array<SpanData>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    let resource = resourceIndex.get(span.resource);
    if (resource === undefined) {
      resource = resources.push({ attributes: span.resource.attributes, schemaUrl: span.resource.schemaUrl }) - 1;
      resourceIndex.set(span.resource, resource);
    }
    const s = span.instrumentationScope;
    const key = `${s.name}@${s.version ?? ''}:${s.schemaUrl ?? ''}`;
    let scope = scopeIndex.get(key);
    if (scope === undefined) {
      scope = scopes.push({ name: s.name, version: s.version, schemaUrl: s.schemaUrl }) - 1;
      scopeIndex.set(key, scope);
    }
    const ctx = span.spanContext();
    out[i] = {
      name: span.name,
      kind: span.kind,
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      traceFlags: ctx.traceFlags,
      traceState: ctx.traceState?.serialize(),
      parentSpanId: span.parentSpanContext?.spanId,
      parentIsRemote: span.parentSpanContext?.isRemote,
      startTime: span.startTime,
      endTime: span.endTime,
      duration: span.duration,
      attributes: span.attributes,
      droppedAttributesCount: span.droppedAttributesCount,
      events: span.events,
      droppedEventsCount: span.droppedEventsCount,
      links: span.links.length === 0 ? [] : span.links.map(linkData),
      droppedLinksCount: span.droppedLinksCount,
      status: span.status,
      resource,
      scope,
    };
  }
  return { resources, scopes, spans: out };
}

const traceStateOf = (serialized: string | undefined): SpanContext['traceState'] =>
  serialized === undefined ? undefined : ({ serialize: () => serialized } as SpanContext['traceState']);

/**
 * Plain data → span-like objects the OTLP exporter accepts. Spans of one resource share one resource object (the
 * transformer groups by identity). Only what the transformer reads is real; the rest of ReadableSpan is filler.
 */
export function fromSpanBatch(batch: SpanBatch): ReadableSpan[] {
  const resources = batch.resources.map((r) => ({ attributes: r.attributes, schemaUrl: r.schemaUrl }) as unknown as ReadableResource);
  return batch.spans.map((d): ReadableSpan => {
    const ctx: SpanContext = { traceId: d.traceId, spanId: d.spanId, traceFlags: d.traceFlags, traceState: traceStateOf(d.traceState) };
    return {
      name: d.name,
      kind: d.kind,
      spanContext: () => ctx,
      parentSpanContext:
        d.parentSpanId === undefined ? undefined : { traceId: d.traceId, spanId: d.parentSpanId, traceFlags: d.traceFlags, isRemote: d.parentIsRemote },
      startTime: d.startTime,
      endTime: d.endTime,
      duration: d.duration,
      status: d.status,
      attributes: d.attributes,
      links: d.links.map((l) => ({
        context: { traceId: l.traceId, spanId: l.spanId, traceFlags: l.traceFlags, isRemote: l.isRemote, traceState: traceStateOf(l.traceState) },
        attributes: l.attributes,
        droppedAttributesCount: l.droppedAttributesCount,
      })),
      events: d.events,
      ended: true,
      resource: resources[d.resource]!,
      instrumentationScope: batch.scopes[d.scope]!,
      droppedAttributesCount: d.droppedAttributesCount,
      droppedEventsCount: d.droppedEventsCount,
      droppedLinksCount: d.droppedLinksCount,
    };
  });
}
