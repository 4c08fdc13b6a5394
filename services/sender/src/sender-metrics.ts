import { Counter, Histogram, type Registry } from 'prom-client';
import type { GraphSendObserver } from '@wabus/graph-send';

/** What the sender reports, besides its Graph calls, refusals and waits (GraphSendObserver); all optional. */
export interface SenderObserver extends GraphSendObserver {
  /** A send this process made, by final state, with Meta's code for failed ones and the reason for unknown ones. */
  completed?(state: 'sent' | 'failed' | 'unknown' | 'pending', code: string): void;
  /** A request answered from a send recorded before (same key, same body). */
  replayed?(): void;
  /** A request refused with a coded error before anything was sent (400, 409, 422, 503). */
  rejected?(code: string): void;
  /** Pending sends of a stopped process turned unknown by the sweep. */
  surfaced?(n: number): void;
}

/** Prometheus metrics of the sender, on its registry (docs/sender.md, "Metrics"). */
export function createSenderMetrics(registry: Registry): SenderObserver {
  const sends = new Counter({
    name: 'wabus_sender_sends_total',
    help: 'Sends made, by final state (sent, failed, unknown) and code (Meta error.code for failed, the reason for unknown)',
    labelNames: ['state', 'code'],
    registers: [registry],
  });
  const replays = new Counter({
    name: 'wabus_sender_replays_total',
    help: 'Requests answered from a send recorded before: nothing sent',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'wabus_sender_rejected_total',
    help: 'Requests refused before anything was sent, by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const surfaced = new Counter({ name: 'wabus_sender_surfaced_total', help: 'Pending sends of a stopped process turned unknown', registers: [registry] });
  // The Graph calls, refusals and waits as auto-reply counts them (GraphSendObserver), under the sender's names.
  const calls = new Counter({
    name: 'wabus_sender_graph_calls_total',
    help: 'Graph API calls (send, mark_read) by result (accepted, refused, failed, unknown) and code (Meta error.code, transport code, or the unknown reason)',
    labelNames: ['call', 'result', 'code'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'wabus_sender_refusals_total',
    help: 'Calls refused by a rate limit (or never connected) and retried, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'wabus_sender_rate_limit_wait_seconds',
    help: 'Waits before Graph API calls, by reason: throughput (per business number), recipient (pacing), backoff (after a refusal)',
    labelNames: ['reason'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    called: (call, result, code) => calls.inc({ call, result, code }),
    refused: (code) => refusals.inc({ code }),
    waited: (reason, seconds) => waits.observe({ reason }, seconds),
    completed: (state, code) => sends.inc({ state, code }),
    replayed: () => replays.inc(),
    rejected: (code) => rejected.inc({ code }),
    surfaced: (n) => surfaced.inc(n),
  };
}
