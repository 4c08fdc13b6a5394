import { Counter, type Registry } from 'prom-client';
import { createGraphSendMetrics, type GraphSendObserver } from '@wabus/graph-send';

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
  return {
    // The Graph calls, refusals and waits as auto-reply counts them, under the sender's names.
    ...createGraphSendMetrics(registry, 'wabus_sender'),
    completed: (state, code) => sends.inc({ state, code }),
    replayed: () => replays.inc(),
    rejected: (code) => rejected.inc({ code }),
    surfaced: (n) => surfaced.inc(n),
  };
}
