import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Outcome = 'accepted' | 'quarantined' | 'bad_signature' | 'rejected' | 'unavailable' | 'handshake_ok' | 'handshake_refused';

export interface IngressMetrics {
  registry: Registry;
  requests: Counter<'outcome'>;
  requestDuration: Histogram<'outcome'>;
  itemsPerBody: Histogram;
  produceDuration: Histogram;
  queuedRecords: Gauge;
}

/** One registry per app instance, so several apps in one test process never share counters. */
export function createIngressMetrics(opts: { queuedRecords: () => number; defaultMetrics?: boolean }): IngressMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'wabus_ingress_' });
  return {
    registry,
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
