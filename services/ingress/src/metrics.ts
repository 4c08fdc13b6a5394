import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '@wabus/service';
import type { ProducerStats } from '@wabus/kafka';
import { createSourceMetrics, type SourceMetrics, type SourceMetricsOptions } from './source-metrics.ts';

/** `not_found`: a path or method ingress does not serve (scanners, typos): counted apart from rejected webhooks. */
export type Outcome = 'accepted' | 'quarantined' | 'bad_signature' | 'rejected' | 'not_found' | 'unavailable' | 'handshake_ok' | 'handshake_refused';

export interface IngressMetrics {
  registry: Registry;
  requests: Counter<'outcome'>;
  requestDuration: Histogram<'outcome'>;
  itemsPerBody: Histogram;
  produceDuration: Histogram;
  queuedRecords: Gauge;
  /** Signed bodies kept on the raw topic only, by reason (not an envelope, tenant_mismatch, unknown_owner, too_large, …). */
  quarantined: Counter<'reason'>;
  /** Records Kafka refused for good, by kind (too_large, invalid, not_authorized) and topic (raw, events). */
  produceRefused: Counter<'kind' | 'topic'>;
  /** Accepted webhooks and the last one's time per tenant and WABA (silence detection, docs/silence.md). */
  sources: SourceMetrics;
}

/** A counter whose value is read from elsewhere at scrape time (the producer keeps its own counts). */
function readCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** One registry per app instance, so several apps in one test process never share counters. */
export function createIngressMetrics(opts: {
  queuedRecords: () => number;
  producerStats?: () => ProducerStats;
  defaultMetrics?: boolean;
  sources?: SourceMetricsOptions;
}): IngressMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectProcessMetrics(registry, 'wabus_ingress_');
  const stats = opts.producerStats;
  if (stats !== undefined) {
    readCounter(
      registry,
      'wabus_ingress_produce_sends_total',
      'Produce rounds sent to Kafka (one request per partition leader each); records per round is how well batching works',
      () => stats().sends,
    );
    readCounter(registry, 'wabus_ingress_produce_records_total', 'Records sent to Kafka (raw bodies and events)', () => stats().records);
    readCounter(
      registry,
      'wabus_ingress_produce_failed_sends_total',
      'Produce rounds that failed (each is followed by a new producer id)',
      () => stats().failedSends,
    );
  }
  return {
    registry,
    sources: createSourceMetrics(registry, opts.sources),
    requests: new Counter({ name: 'wabus_ingress_requests_total', help: 'Webhook requests by outcome', labelNames: ['outcome'], registers: [registry] }),
    requestDuration: new Histogram({
      name: 'wabus_ingress_request_duration_seconds',
      help: 'Webhook request latency by outcome (Meta retries slow endpoints harder)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    itemsPerBody: new Histogram({
      name: 'wabus_ingress_items_per_body',
      help: 'Events exploded from one accepted body',
      buckets: [1, 2, 5, 10, 50, 100, 500, 1000],
      registers: [registry],
    }),
    produceDuration: new Histogram({
      name: 'wabus_ingress_produce_duration_seconds',
      help: 'Time from append to Kafka acknowledgement of all records of one body',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    quarantined: new Counter({
      name: 'wabus_ingress_quarantined_total',
      help: 'Signed bodies kept on the raw topic and turned into no events, by reason (tenant_mismatch and unknown_owner: a body naming a WABA or number its signer does not own)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    produceRefused: new Counter({
      name: 'wabus_ingress_produce_refused_total',
      help: 'Sends Kafka refused for good, by kind (too_large, invalid: the body is quarantined, docs/limits.md; not_authorized: 503 until the grant is fixed) and topic (raw, events)',
      labelNames: ['kind', 'topic'],
      registers: [registry],
    }),
    queuedRecords: new Gauge({
      name: 'wabus_ingress_batcher_queued_records',
      help: 'Records waiting in the produce batcher (not yet in flight)',
      registers: [registry],
      collect() {
        this.set(opts.queuedRecords());
      },
    }),
  };
}
