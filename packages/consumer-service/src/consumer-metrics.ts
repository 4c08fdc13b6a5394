import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConsumerObserver } from '@wabus/kafka';

/** Prometheus metrics of one consumer service, fed by the runtime's observer hooks. */
export function createConsumerMetrics(service: string, opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'wabus_consumer_' });
  const applied = new Counter({ name: 'wabus_consumer_events_applied_total', help: 'Events applied (including ones that changed nothing)', registers: [registry] });
  const deduplicated = new Counter({ name: 'wabus_consumer_events_deduplicated_total', help: 'Events that changed nothing: already applied (redelivery, replay, Meta retry)', registers: [registry] });
  const deadLettered = new Counter({ name: 'wabus_consumer_events_dead_lettered_total', help: 'Events sent to the dead-letter topic, by error code', labelNames: ['code'], registers: [registry] });
  const retries = new Counter({ name: 'wabus_consumer_retries_total', help: 'Retries after infrastructure errors', labelNames: ['partition'], registers: [registry] });
  const batchSeconds = new Histogram({ name: 'wabus_consumer_batch_duration_seconds', help: 'Time to apply and commit one chunk', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
  const endToEnd = new Histogram({
    name: 'wabus_consumer_end_to_end_seconds',
    help: 'From the webhook reaching ingress (receivedAt) to the event applied and committed here',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const lag = new Gauge({ name: 'wabus_consumer_lag', help: 'Records behind the high watermark, per partition', labelNames: ['partition'], registers: [registry] });
  const paused = new Gauge({ name: 'wabus_consumer_paused', help: '1 while a partition is paused on an infrastructure error', labelNames: ['partition'], registers: [registry] });
  const observer: ConsumerObserver = {
    applied: (n, dup) => {
      applied.inc(n);
      deduplicated.inc(dup);
    },
    deadLettered: (code) => deadLettered.inc({ code }),
    retried: (p) => retries.inc({ partition: String(p) }),
    batchSeconds: (s) => batchSeconds.observe(s),
    endToEnd: (s) => endToEnd.observe(s),
    lag: (p, n) => lag.set({ partition: String(p) }, n),
    paused: (p, on) => paused.set({ partition: String(p) }, on ? 1 : 0),
  };
  return { registry, observer };
}
