import { Counter, Gauge, type Registry } from 'prom-client';
import type { TenantCheck } from './check.ts';

/**
 * What a scheduled `wabus meta check --every` exports (docs/meta.md): each run replaces the per-run gauges whole,
 * so a difference fixed, or a number gone, disappears from the next scrape.
 */
export function createMetaCheckMetrics(registry: Registry): { record(results: readonly TenantCheck[], at: Date): void } {
  const ok = new Gauge({
    name: 'wabus_meta_check_ok',
    help: '1 when Meta agrees with the tenants file for the tenant at the last check, else 0 (differences or an error)',
    labelNames: ['tenant'],
    registers: [registry],
  });
  const differences = new Gauge({
    name: 'wabus_meta_check_differences',
    help: 'Differences between Meta and the tenants file at the last check, by tenant and kind (app_fields_missing, waba_not_subscribed, number_quality…)',
    labelNames: ['tenant', 'kind'],
    registers: [registry],
  });
  const failing = new Gauge({
    name: 'wabus_meta_check_error',
    help: 'Whether the last check of the tenant failed, by error code (WABUS_META_TOKEN_INVALID, WABUS_META_GRAPH_UNREACHABLE…): 1 while it does',
    labelNames: ['tenant', 'code'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'wabus_meta_check_errors_total',
    help: 'Checks of a tenant that failed, by error code',
    labelNames: ['tenant', 'code'],
    registers: [registry],
  });
  const lastRun = new Gauge({
    name: 'wabus_meta_check_last_run_timestamp_seconds',
    help: 'When the tenant was last checked (with or without an answer from Meta), Unix seconds',
    labelNames: ['tenant'],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'wabus_meta_check_last_success_timestamp_seconds',
    help: "When Meta last answered every call of the tenant's check, Unix seconds",
    labelNames: ['tenant'],
    registers: [registry],
  });
  const quality = new Gauge({
    name: 'wabus_meta_number_quality',
    help: "1 for each business number's quality rating (GREEN, YELLOW, RED, UNKNOWN) as Meta reported it at the last check",
    labelNames: ['tenant', 'phone_number_id', 'rating'],
    registers: [registry],
  });
  const status = new Gauge({
    name: 'wabus_meta_number_status',
    help: "1 for each business number's status (CONNECTED, FLAGGED, RESTRICTED…) as Meta reported it at the last check",
    labelNames: ['tenant', 'phone_number_id', 'status'],
    registers: [registry],
  });
  const limit = new Gauge({
    name: 'wabus_meta_number_messaging_limit',
    help: "1 for each business number's messaging limit tier (TIER_250, TIER_1K…) as Meta reported it at the last check",
    labelNames: ['tenant', 'phone_number_id', 'tier'],
    registers: [registry],
  });
  return {
    record(results, at) {
      const seconds = at.getTime() / 1000;
      for (const g of [differences, failing, quality, status, limit]) g.reset();
      for (const r of results) {
        const tenant = r.tenantId;
        ok.set({ tenant }, r.ok ? 1 : 0);
        lastRun.set({ tenant }, seconds);
        if (r.error !== null) {
          failing.set({ tenant, code: r.error.code }, 1);
          errors.inc({ tenant, code: r.error.code });
          continue;
        }
        lastSuccess.set({ tenant }, seconds);
        for (const d of r.differences) differences.inc({ tenant, kind: d.kind });
        for (const n of r.numbers) {
          const labels = { tenant, phone_number_id: n.id };
          quality.set({ ...labels, rating: n.qualityRating ?? 'NOT_REPORTED' }, 1);
          status.set({ ...labels, status: n.status ?? 'NOT_REPORTED' }, 1);
          limit.set({ ...labels, tier: n.messagingLimitTier ?? 'NOT_REPORTED' }, 1);
        }
      }
    },
  };
}
