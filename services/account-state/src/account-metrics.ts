import { Gauge, type Registry } from 'prom-client';
import { TEMPLATE_ALERTS } from './account-documents.ts';
import type { AccountCollections } from './account-indexes.ts';
import { wabaView } from './account-views.ts';

/**
 * The state the alert rules watch (infra/observability/alert-rules.yml), read from the store at each scrape: so every
 * replica reports the whole state, whatever partitions it holds (rules take `max by` over replicas), and a replay
 * reports what the state is, not what happened along the way. One series per entity in trouble, value 1; a number,
 * template or WABA that is fine has none. A scrape while the store does not answer keeps the last values.
 */
export function createAccountMetrics(registry: Registry, c: AccountCollections, now: () => number = Date.now): void {
  const read = { maxTimeMS: 2_000 };
  type Labels = Record<string, string>;
  const gauge = (name: string, help: string, labelNames: string[], load: () => Promise<Labels[]>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        try {
          const series = await load();
          this.reset();
          for (const labels of series) this.set(labels, 1);
        } catch {
          // The store did not answer: the last values stay (readiness and the consumer metrics say why).
        }
      },
    });

  gauge(
    'wabus_account_state_phone_number_flagged',
    'Business numbers Meta flagged (latest quality event FLAGGED, or a RED rating when one is given): 1 per number',
    ['tenant', 'waba_id', 'phone_number', 'phone_number_id', 'reason'],
    async () =>
      (await c.phoneNumbers.find({ alert: { $in: ['FLAGGED', 'RED'] } }, read).toArray()).map((d) => ({
        tenant: d.tenantId ?? '',
        waba_id: d.wabaId ?? '',
        phone_number: d._id,
        phone_number_id: d.phoneNumberId ?? '',
        reason: d.alert!,
      })),
  );
  gauge(
    'wabus_account_state_template_unusable',
    'Templates whose latest status is PAUSED or DISABLED (sends of them are refused): 1 per template',
    ['tenant', 'waba_id', 'template', 'language', 'status'],
    async () =>
      (await c.templates.find({ alert: { $in: [...TEMPLATE_ALERTS] } }, read).toArray()).map((d) => ({
        tenant: d.tenantId ?? '',
        waba_id: d.wabaId,
        template: d.name,
        language: d.language,
        status: d.alert!,
      })),
  );
  gauge(
    'wabus_account_state_waba_restricted',
    'WABAs banned (DISABLE), scheduled for a ban, or under a restriction that has not expired: 1 per WABA',
    ['tenant', 'waba_id', 'reason'],
    async () => {
      const nowSeconds = Math.floor(now() / 1000);
      const wabas = await c.wabas.find({ alert: { $in: ['BANNED', 'BAN_SCHEDULED', 'RESTRICTED'] } }, read).toArray();
      // A restriction whose end has passed is over (the fold has no clock: account-views.ts judges it the same way).
      return wabas
        .filter((d) => wabaView(d, nowSeconds).alert !== null)
        .map((d) => ({ tenant: d.tenantId ?? '', waba_id: d._id, reason: d.alert!.toLowerCase() }));
    },
  );
}
