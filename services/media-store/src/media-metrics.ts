import type { Collection } from 'mongodb';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MediaDocument } from './media-document.ts';
import type { MediaObserver } from './media-observer.ts';

/**
 * Prometheus metrics of media-store on the service's registry: fetches, bytes, failures by code, calls, and two
 * gauges read from the store at scrape time: pending media and the age of the oldest (by Meta's message time, which
 * is when Meta's 30 days start; the expiry alert of deploy/alerts fires on it).
 */
export function createMediaMetrics(registry: Registry, media: () => Collection<MediaDocument> | null, now: () => number): MediaObserver {
  const fetched = new Counter({ name: 'wabus_media_store_fetched_total', help: 'Media downloaded and stored', registers: [registry] });
  const bytes = new Counter({ name: 'wabus_media_store_fetched_bytes_total', help: 'Bytes of media downloaded and stored', registers: [registry] });
  const failures = new Counter({
    name: 'wabus_media_store_fetch_failures_total',
    help: "Failed fetch attempts, by code (Meta's error code, http_<status>, download_broken, sha256_mismatch, ...)",
    labelNames: ['code'],
    registers: [registry],
  });
  const unavailable = new Counter({
    name: 'wabus_media_store_unavailable_total',
    help: 'Media recorded unavailable, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const calls = new Counter({
    name: 'wabus_media_store_graph_calls_total',
    help: 'Calls to the Graph API: lookup (GET /<media-id>) or download (its URL)',
    labelNames: ['kind'],
    registers: [registry],
  });
  new Gauge({
    name: 'wabus_media_store_pending',
    help: 'Media not fetched yet (nor found unavailable)',
    registers: [registry],
    async collect() {
      const c = media();
      if (c !== null) this.set(await c.countDocuments({ state: 'pending' }));
    },
  });
  new Gauge({
    name: 'wabus_media_store_oldest_pending_age_seconds',
    help: "Age of the oldest pending media by its message's Meta time (Meta keeps media about 30 days); 0 with none pending",
    registers: [registry],
    async collect() {
      const c = media();
      if (c === null) return;
      const oldest = await c.find({ state: 'pending' }).sort({ firstReceivedAt: 1 }).limit(1).next();
      const born = oldest === null ? null : oldest.metaTimestamp === null ? oldest.firstReceivedAt : oldest.metaTimestamp * 1000;
      this.set(born === null ? 0 : Math.max(0, (now() - born) / 1000));
    },
  });
  return {
    graphCall: (kind) => calls.inc({ kind }),
    fetched: (n) => {
      fetched.inc();
      bytes.inc(n);
    },
    failed: (code) => failures.inc({ code }),
    unavailable: (code) => unavailable.inc({ code }),
  };
}
