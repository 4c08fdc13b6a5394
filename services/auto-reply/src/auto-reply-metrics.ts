import { Counter, Histogram, type Registry } from 'prom-client';
import type { AutoReplyObserver } from './auto-reply-observer.ts';

/** Prometheus metrics of auto-reply's decisions and calls, on the service's registry. */
export function createAutoReplyMetrics(registry: Registry): AutoReplyObserver {
  const decisions = new Counter({
    name: 'wabus_auto_reply_decisions_total',
    help: 'Records decided, by outcome: reply or the skip reason',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'wabus_auto_reply_duplicates_total',
    help: 'Reply decisions found already recorded: nothing sent',
    registers: [registry],
  });
  const replies = new Counter({
    name: 'wabus_auto_reply_replies_total',
    help: 'Replies by final state (sent, failed, unknown) and Meta error code',
    labelNames: ['state', 'code'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'wabus_auto_reply_refusals_total',
    help: 'Calls refused by a rate limit (or never connected) and retried, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const surfaced = new Counter({
    name: 'wabus_auto_reply_surfaced_total',
    help: 'Replies left pending by a stopped process, turned unknown when their records came again',
    registers: [registry],
  });
  const calls = new Counter({
    name: 'wabus_auto_reply_graph_calls_total',
    help: 'Graph API calls (send, mark_read) by result (accepted, refused, failed, unknown) and code (Meta error.code, transport code, or the unknown reason)',
    labelNames: ['call', 'result', 'code'],
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'wabus_auto_reply_rate_limit_wait_seconds',
    help: 'Waits before Graph API calls, by reason: throughput (per business number), recipient (pacing), backoff (after a refusal)',
    labelNames: ['reason'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    decided: (outcome) => decisions.inc({ outcome }),
    duplicate: () => duplicates.inc(),
    completed: (state, code) => replies.inc({ state, code: code ?? '' }),
    refused: (code) => refusals.inc({ code }),
    surfaced: (n) => surfaced.inc(n),
    called: (call, result, code) => calls.inc({ call, result, code }),
    waited: (reason, seconds) => waits.observe({ reason }, seconds),
  };
}
