import { Counter, Gauge, type Registry } from 'prom-client';
import type { AutoReplyObserver } from './auto-reply-observer.ts';

/** Prometheus metrics of auto-reply's decisions and calls, on the service's registry. */
export function createAutoReplyMetrics(registry: Registry): AutoReplyObserver {
  const decisions = new Counter({ name: 'wabus_auto_reply_decisions_total', help: 'Records decided, by outcome: reply or the skip reason', labelNames: ['outcome'], registers: [registry] });
  const duplicates = new Counter({ name: 'wabus_auto_reply_duplicates_total', help: 'Reply decisions found already recorded: nothing sent', registers: [registry] });
  const replies = new Counter({ name: 'wabus_auto_reply_replies_total', help: 'Replies by final state (sent, failed, unknown) and Meta error code', labelNames: ['state', 'code'], registers: [registry] });
  const refusals = new Counter({ name: 'wabus_auto_reply_refusals_total', help: 'Calls refused by a rate limit (or never connected) and retried, by code', labelNames: ['code'], registers: [registry] });
  const surfaced = new Gauge({ name: 'wabus_auto_reply_surfaced_at_startup', help: 'Pending replies turned unknown at the last start-up', registers: [registry] });
  return {
    decided: (outcome) => decisions.inc({ outcome }),
    duplicate: () => duplicates.inc(),
    completed: (state, code) => replies.inc({ state, code: code ?? '' }),
    refused: (code) => refusals.inc({ code }),
    surfaced: (n) => surfaced.set(n),
  };
}
