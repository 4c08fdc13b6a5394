import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '@wabus/service';
import type { ConsumerObserver } from '@wabus/kafka';

/** Prometheus metrics of one consumer service, fed by the runtime's observer hooks. */
export function createConsumerMetrics(service: string, opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics) collectProcessMetrics(registry, 'wabus_consumer_');
  const applied = new Counter({
    name: 'wabus_consumer_events_applied_total',
    help: 'Events applied (including ones that changed nothing), by event kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const deduplicated = new Counter({
    name: 'wabus_consumer_events_deduplicated_total',
    help: 'Events that changed nothing: already applied (redelivery, replay, Meta retry), by event kind (`mixed` when the handler could not tell)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'wabus_consumer_events_dead_lettered_total',
    help: 'Events sent to the dead-letter topic, by error code and event kind',
    labelNames: ['code', 'kind'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'wabus_consumer_retries_total',
    help: 'Retries after infrastructure errors (one per attempt), by partition',
    labelNames: ['partition'],
    registers: [registry],
  });
  const retried = new Counter({
    name: 'wabus_consumer_events_retried_total',
    help: 'Events whose application waited for a retry after an infrastructure error (once per attempt), by event kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const replay = new Counter({
    name: 'wabus_consumer_replay_events_total',
    help: 'Records below a replay frontier: replayed (delivered again, marked) or skipped (outside the replay range or keys)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'wabus_consumer_batch_duration_seconds',
    help: 'Time to apply and commit one chunk',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const endToEnd = new Histogram({
    name: 'wabus_consumer_end_to_end_seconds',
    help: 'From the webhook reaching ingress (receivedAt) to the event applied and committed here',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'wabus_consumer_lag',
    help: 'Records behind the high watermark, per partition',
    labelNames: ['partition'],
    registers: [registry],
  });
  const paused = new Gauge({
    name: 'wabus_consumer_paused',
    help: '1 while a partition is paused on an infrastructure error',
    labelNames: ['partition'],
    registers: [registry],
  });
  const observer: ConsumerObserver = {
    applied: (kind, n, dup) => {
      if (n > 0) applied.inc({ kind }, n);
      if (dup > 0) deduplicated.inc({ kind }, dup);
    },
    deadLettered: (code, kind) => deadLettered.inc({ code, kind }),
    retried: (p, _err, kinds) => {
      retries.inc({ partition: String(p) });
      for (const [kind, n] of kinds) retried.inc({ kind }, n);
    },
    replay: (outcome, n) => replay.inc({ outcome }, n),
    batchSeconds: (s) => batchSeconds.observe(s),
    endToEnd: (s) => endToEnd.observe(s),
    lag: (p, n) => lag.set({ partition: String(p) }, n),
    paused: (p, on) => paused.set({ partition: String(p) }, on ? 1 : 0),
  };
  return { registry, observer };
}
