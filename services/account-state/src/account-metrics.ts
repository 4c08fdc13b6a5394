import { Gauge, type Registry } from 'prom-client';
import { TEMPLATE_ALERTS } from './account-documents.ts';
import type { AccountCollections } from './account-indexes.ts';
import { wabaView } from './account-views.ts';

type Labels = Record<string, string>;

const READ = { maxTimeMS: 2_000 };

/** A gauge's collect that sets 1 per series the store gives; when the store does not answer, the last values stay. */
const fromStore = (load: () => Promise<Labels[]>) =>
  async function collect(this: Gauge) {
    let series: Labels[];
    try {
      series = await load();
    } catch {
      // The store did not answer: readiness and the consumer metrics say why; the alerts keep their last state.
      return;
    }
    this.reset();
    for (const labels of series) this.set(labels, 1);
  };

/**
 * The state the alert rules watch (infra/observability/alert-rules.yml), read from the store at each scrape: so every
 * replica reports the whole state, whatever partitions it holds (the rules take `max by` over replicas), and a
 * replay reports what the state is, not what happened along the way. One series per entity in trouble, value 1; a
 * number, template or WABA that is fine has none.
 */
export function createAccountMetrics(registry: Registry, c: AccountCollections, now: () => number = Date.now): void {
  new Gauge({
    name: 'wabus_account_state_phone_number_flagged',
    help: 'Business numbers Meta flagged (latest quality event FLAGGED, or a RED rating when one is given): 1 per number',
    labelNames: ['tenant', 'waba_id', 'phone_number', 'phone_number_id', 'reason'],
    registers: [registry],
    collect: fromStore(async () =>
      (await c.phoneNumbers.find({ alert: { $in: ['FLAGGED', 'RED'] } }, READ).toArray()).map((d) => ({
        tenant: d.tenantId ?? '',
        waba_id: d.wabaId ?? '',
        phone_number: d._id,
        phone_number_id: d.phoneNumberId ?? '',
        reason: d.alert!,
      })),
    ),
  });
  new Gauge({
    name: 'wabus_account_state_template_unusable',
    help: 'Templates whose latest status is PAUSED or DISABLED (the sender refuses them): 1 per template',
    labelNames: ['tenant', 'waba_id', 'template', 'language', 'status'],
    registers: [registry],
    collect: fromStore(async () =>
      (await c.templates.find({ alert: { $in: [...TEMPLATE_ALERTS] } }, READ).toArray()).map((d) => ({
        tenant: d.tenantId ?? '',
        waba_id: d.wabaId,
        template: d.name,
        language: d.language,
        status: d.alert!,
      })),
    ),
  });
  new Gauge({
    name: 'wabus_account_state_waba_restricted',
    help: 'WABAs banned (DISABLE), scheduled for a ban, or under a restriction that has not expired: 1 per WABA',
    labelNames: ['tenant', 'waba_id', 'reason'],
    registers: [registry],
    collect: fromStore(async () => {
      const nowSeconds = Math.floor(now() / 1000);
      const wabas = await c.wabas.find({ alert: { $in: ['BANNED', 'BAN_SCHEDULED', 'RESTRICTED'] } }, READ).toArray();
      // A restriction whose end has passed is over (the fold has no clock: account-views.ts judges it the same way).
      return wabas
        .filter((d) => wabaView(d, nowSeconds).alert !== null)
        .map((d) => ({ tenant: d.tenantId ?? '', waba_id: d._id, reason: d.alert!.toLowerCase() }));
    }),
  });
}
