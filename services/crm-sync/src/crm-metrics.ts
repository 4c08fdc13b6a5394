import { Counter, Histogram, type Registry } from 'prom-client';
import type { CrmObserver } from './crm-observer.ts';

/** Prometheus metrics of crm-sync's CRM calls, on the service's registry. */
export function createCrmMetrics(registry: Registry): CrmObserver {
  const requests = new Counter({
    name: 'wabus_crm_sync_requests_total',
    help: 'CRM requests (every attempt) by kind (upsert, batch), result (ok, rejected, retryable, error) and code (HTTP status, or the cause of an error)',
    labelNames: ['kind', 'result', 'code'],
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'wabus_crm_sync_rate_limit_wait_seconds',
    help: "Waits before CRM requests, by reason: retry_after (the CRM's Retry-After, holding back every request) or backoff (after a retryable answer or no answer)",
    labelNames: ['reason'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    requested: (kind, result, code) => requests.inc({ kind, result, code }),
    waited: (reason, seconds) => waits.observe({ reason }, seconds),
  };
}
