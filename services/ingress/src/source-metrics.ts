import { Counter, Gauge, type Registry } from 'prom-client';
import { DEFAULT_TENANT, type Tenants } from '@wabus/tenants';

/** The `waba` label of unlisted WABAs past the cap (docs/silence.md). */
export const OTHER_WABA = '_other';

/**
 * Unlisted WABAs (not in their tenant's `wabaIds`: every WABA of an environment-only deployment, or one accepted
 * through a number its tenant lists) that get series of their own, per process; later ones count under `_other`.
 */
export const UNLISTED_SOURCES_MAX = 100;

/** One item of an accepted body: its owner (set by the ownership check) and the WABA it came from (`entry[].id`). */
export interface SourceItem {
  tenantId: string | null;
  wabaId: string;
}

export interface SourceMetrics {
  /**
   * Counts one accepted body for each distinct (tenant, WABA) among its items and sets their last-accepted time.
   * Call only for bodies that were signed, owned and stored: the tenant label is then a tenant of the configuration
   * and the WABA one its signer owns; unlisted WABAs are capped.
   */
  accepted(tenants: Tenants, items: readonly SourceItem[], atMs: number): void;
}

interface Source {
  tenant: string;
  waba: string;
  bodies: number;
  lastMs: number;
  /** The body that last counted here (a body naming one WABA twice counts once). */
  lastBody: number;
}

export interface SourceMetricsOptions {
  unlistedMax?: number;
  /** Called once, when the first unlisted WABA past the cap is counted under `_other`. */
  onCapped?: (tenant: string, waba: string) => void;
}

/**
 * Per source (tenant, WABA): accepted webhooks and the time of the last one, for silence detection
 * (`WabusIngressSourceSilent`, docs/silence.md). The hot path is two map lookups and three writes per body and WABA;
 * prom-client's series are made at scrape time. Across workers the counter is summed and the timestamp taken at its
 * maximum (cluster-metrics.ts). Until a source's first body in this process neither series exists: after a restart
 * the rules read the last time from what they recorded before it.
 */
export function createSourceMetrics(registry: Registry, opts: SourceMetricsOptions = {}): SourceMetrics {
  const unlistedMax = opts.unlistedMax ?? UNLISTED_SOURCES_MAX;
  const byTenant = new Map<string, Map<string, Source>>();
  const all: Source[] = [];
  let unlisted = 0;
  let capped = false;
  let body = 0;

  new Counter({
    name: 'wabus_ingress_accepted_webhooks_total',
    help: 'Accepted webhook bodies by source: tenant, and WABA (entry[].id); a body naming two WABAs counts for each. Unlisted WABAs past 100 per process count as waba="_other"',
    labelNames: ['tenant', 'waba'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of all) this.inc({ tenant: s.tenant, waba: s.waba }, s.bodies);
    },
  });
  new Gauge({
    name: 'wabus_ingress_last_accepted_timestamp_seconds',
    help: 'When the last webhook of a source (tenant, WABA) was accepted, Unix seconds; the maximum over ingress workers. Absent until its first one since the start',
    labelNames: ['tenant', 'waba'],
    aggregator: 'max',
    registers: [registry],
    collect() {
      for (const s of all) this.set({ tenant: s.tenant, waba: s.waba }, s.lastMs / 1000);
    },
  });

  const add = (wabas: Map<string, Source>, tenant: string, waba: string): Source => {
    const s = { tenant, waba, bodies: 0, lastMs: 0, lastBody: -1 };
    wabas.set(waba, s);
    all.push(s);
    return s;
  };
  const source = (tenants: Tenants, tenant: string, waba: string): Source => {
    let wabas = byTenant.get(tenant);
    if (wabas === undefined) byTenant.set(tenant, (wabas = new Map()));
    const known = wabas.get(waba);
    if (known !== undefined) return known;
    const owner = tenants.ownerOfWaba(waba);
    const listed = owner !== undefined && owner.id === tenant && !owner.ownsAll;
    if (!listed && unlisted >= unlistedMax) {
      // Not remembered under its own id: past the cap, memory stays bounded too.
      if (!capped) opts.onCapped?.(tenant, waba);
      capped = true;
      return wabas.get(OTHER_WABA) ?? add(wabas, tenant, OTHER_WABA);
    }
    if (!listed) unlisted++;
    return add(wabas, tenant, waba);
  };

  return {
    accepted(tenants, items, atMs) {
      body++;
      for (const item of items) {
        const s = source(tenants, item.tenantId ?? DEFAULT_TENANT, item.wabaId);
        if (s.lastBody === body) continue;
        s.lastBody = body;
        s.bodies++;
        if (atMs > s.lastMs) s.lastMs = atMs;
      }
    },
  };
}
