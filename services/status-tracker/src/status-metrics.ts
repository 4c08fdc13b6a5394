import { Counter, Histogram, type Registry } from 'prom-client';
import type { StatusObserver } from './status-observer.ts';

// Meta's timestamps are whole seconds; reads come minutes to days after the send.
const BUCKETS = [1, 2, 5, 10, 30, 60, 300, 900, 3_600, 4 * 3_600, 86_400, 7 * 86_400];

/** Prometheus metrics of the status-tracker's delivery times, on the service's registry. */
export function createStatusMetrics(registry: Registry): StatusObserver {
  const delivered = new Histogram({
    name: 'wabus_status_tracker_sent_to_delivered_seconds',
    help: "Seconds from an outbound message's sent status to its delivered status (Meta's timestamps), once per message",
    buckets: BUCKETS,
    registers: [registry],
  });
  const read = new Histogram({
    name: 'wabus_status_tracker_sent_to_read_seconds',
    help: "Seconds from an outbound message's sent status to its read status (Meta's timestamps), once per message",
    buckets: BUCKETS,
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'wabus_status_tracker_sends_skipped_total',
    help: 'Records of the sends topic joined to nothing: not_sent (failed, unknown, read marks: no wamid) or malformed (not a send event)',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Both series from the start, so an alert on malformed records sees 0 before the first one.
  for (const reason of ['not_sent', 'malformed']) skipped.inc({ reason }, 0);
  return {
    sentToDelivered: (s) => delivered.observe(s),
    sentToRead: (s) => read.observe(s),
    sendSkipped: (reason) => skipped.inc({ reason }),
  };
}
