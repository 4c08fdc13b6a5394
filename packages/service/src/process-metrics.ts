import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * The process metrics every service exports (CPU, memory, GC, handles, event-loop lag) under `prefix`. The event-loop
 * lag histogram samples every 100 ms, not prom-client's default 10 ms: its timer woke an idle service 100 times a
 * second, a tenth of its idle CPU once kafkajs' own timers were quiet (issue 13). A stall of 100 ms or more is still
 * always seen; shorter ones are seen when they overlap a sample.
 */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: 100 });
}
