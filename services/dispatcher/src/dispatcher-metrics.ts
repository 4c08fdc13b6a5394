import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { retryableStatus, type AttemptResult } from './decide-attempt.ts';
import type { DeliveryStatus } from './delivery-queue.ts';

/** Observability of the endpoint workers; label `subscription` is an operator-chosen id (bounded). */
export interface DispatchObserver {
  attempted(subscription: string, result: AttemptResult, seconds: number): void;
  /** A delivery reached a final state; `latencySeconds` (enqueue → delivered) for delivered ones. */
  settled(subscription: string, status: Exclude<DeliveryStatus, 'pending' | 'sending'>, latencySeconds?: number): void;
  paused(subscription: string, paused: boolean): void;
}

export function createDispatchMetrics(registry: Registry): DispatchObserver {
  const attempts = new Counter({
    name: 'wabus_dispatcher_attempts_total',
    help: 'Delivery attempts by subscription, result (ok, refused, retryable, not_sent, in_doubt) and code (HTTP status or error code)',
    labelNames: ['subscription', 'result', 'code'],
    registers: [registry],
  });
  const attemptSeconds = new Histogram({
    name: 'wabus_dispatcher_attempt_seconds',
    help: 'Duration of one delivery attempt (request to answer), by subscription',
    labelNames: ['subscription'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'wabus_dispatcher_deliveries_total',
    help: 'Deliveries settled, by subscription and status (delivered, dead, unknown, cancelled)',
    labelNames: ['subscription', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'wabus_dispatcher_delivery_latency_seconds',
    help: 'From enqueue to delivered (retries and pauses included), by subscription',
    labelNames: ['subscription'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const paused = new Gauge({
    name: 'wabus_dispatcher_endpoint_paused',
    help: "1 while a subscription's endpoint is paused by its circuit breaker",
    labelNames: ['subscription'],
    registers: [registry],
  });
  const resultOf = (r: AttemptResult): [string, string] =>
    r.type === 'answered'
      ? [r.status >= 200 && r.status < 300 ? 'ok' : retryableStatus(r.status) ? 'retryable' : 'refused', String(r.status)]
      : [r.type, r.code];
  return {
    attempted(subscription, r, seconds) {
      const [result, code] = resultOf(r);
      attempts.inc({ subscription, result, code });
      attemptSeconds.observe({ subscription }, seconds);
    },
    settled(subscription, status, latencySeconds) {
      deliveries.inc({ subscription, status });
      if (latencySeconds !== undefined) latency.observe({ subscription }, latencySeconds);
    },
    paused: (subscription, p) => paused.set({ subscription }, p ? 1 : 0),
  };
}
