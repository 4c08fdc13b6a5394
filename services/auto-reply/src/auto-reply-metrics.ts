import { Counter, type Registry } from 'prom-client';
import { createGraphSendMetrics } from '@wabus/graph-send';
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
  const surfaced = new Counter({
    name: 'wabus_auto_reply_surfaced_total',
    help: 'Replies left pending by a stopped process, turned unknown when their records came again',
    registers: [registry],
  });
  return {
    ...createGraphSendMetrics(registry, 'wabus_auto_reply'),
    decided: (outcome) => decisions.inc({ outcome }),
    duplicate: () => duplicates.inc(),
    completed: (state, code) => replies.inc({ state, code: code ?? '' }),
    surfaced: (n) => surfaced.inc(n),
  };
}
