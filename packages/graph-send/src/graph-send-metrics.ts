import { Counter, Histogram, type Registry } from 'prom-client';
import type { GraphSendObserver } from './observe-graph-calls.ts';

/**
 * `<prefix>_graph_calls_total`, `<prefix>_refusals_total` and `<prefix>_rate_limit_wait_seconds` on the registry: what
 * every sending service counts of its Graph calls (auto-reply, the sender). infra/src/observability.unit.test.ts reads
 * the names here and the prefixes at the calls, so alert rules are checked against them.
 */
export function createGraphSendMetrics(registry: Registry, prefix: string): Required<GraphSendObserver> {
  const calls = new Counter({
    name: `${prefix}_graph_calls_total`,
    help: 'Graph API calls (send, mark_read) by result (accepted, refused, failed, unknown) and code (Meta error.code, transport code, or the unknown reason)',
    labelNames: ['call', 'result', 'code'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: `${prefix}_refusals_total`,
    help: 'Calls refused by a rate limit (or never connected) and retried, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const waits = new Histogram({
    name: `${prefix}_rate_limit_wait_seconds`,
    help: 'Waits before Graph API calls, by reason: throughput (per business number), recipient (pacing), backoff (after a refusal)',
    labelNames: ['reason'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    called: (call, result, code) => calls.inc({ call, result, code }),
    refused: (code) => refusals.inc({ code }),
    waited: (reason, seconds) => waits.observe({ reason }, seconds),
  };
}
