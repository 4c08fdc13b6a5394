import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry, Registry } from 'prom-client';
import { environmentTenants, tenantsOf, type Tenant } from '@wabus/tenants';
import { readScrape } from '@wabus/testing';
import { createSourceMetrics, OTHER_WABA } from './source-metrics.ts';

const COUNTER = 'wabus_ingress_accepted_webhooks_total';
const GAUGE = 'wabus_ingress_last_accepted_timestamp_seconds';

const tenant = (id: string, wabaIds: string[]): Tenant => ({
  id,
  appSecrets: [],
  verifyToken: null,
  graphAccessToken: null,
  wabaIds,
  phoneNumberIds: [],
  autoReplyRules: null,
  crm: null,
  meta: null,
  ownsAll: false,
});
const fileTenants = tenantsOf([tenant('acme', ['1000', '1100']), tenant('globex', ['2000'])], 'tenants.json');
const item = (tenantId: string, wabaId: string) => ({ tenantId, wabaId });

async function scrape(registry: { metrics(): Promise<string> }) {
  const s = readScrape(await registry.metrics());
  return { bodies: s.series(COUNTER), last: s.series(GAUGE) };
}

test('per tenant and WABA: one count per accepted body and WABA, the time of the last one; no series before the first', async () => {
  const registry = new Registry();
  const sources = createSourceMetrics(registry);
  assert.deepEqual(await scrape(registry), { bodies: {}, last: {} }, 'nothing before the first accepted body');

  sources.accepted(fileTenants, [item('acme', '1000')], 1_700_000_000_000);
  // One body with two items of WABA 1000 and one of 1100: once for each WABA.
  sources.accepted(fileTenants, [item('acme', '1000'), item('acme', '1100'), item('acme', '1000')], 1_700_000_060_500);
  sources.accepted(fileTenants, [item('globex', '2000')], 1_700_000_030_000);
  // A body that took longer than a later one to be stored: the time never goes back.
  sources.accepted(fileTenants, [item('globex', '2000')], 1_700_000_010_000);

  assert.deepEqual(await scrape(registry), {
    bodies: { 'tenant=acme,waba=1000': 2, 'tenant=acme,waba=1100': 1, 'tenant=globex,waba=2000': 2 },
    last: { 'tenant=acme,waba=1000': 1_700_000_060.5, 'tenant=acme,waba=1100': 1_700_000_060.5, 'tenant=globex,waba=2000': 1_700_000_030 },
  });
});

test('unlisted WABAs (an environment-only deployment) get series up to the cap, then count as waba="_other", said once; listed ones are never capped', async () => {
  const registry = new Registry();
  const capped: string[] = [];
  const sources = createSourceMetrics(registry, { unlistedMax: 2, onCapped: (t, w) => capped.push(`${t}/${w}`) });
  const env = environmentTenants();
  for (const [i, waba] of ['7001', '7002', '7003', '7004', '7001', '7003'].entries()) sources.accepted(env, [item('default', waba)], (1000 + i) * 1000);
  assert.deepEqual(await scrape(registry), {
    bodies: { 'tenant=default,waba=7001': 2, 'tenant=default,waba=7002': 1, [`tenant=default,waba=${OTHER_WABA}`]: 3 },
    last: { 'tenant=default,waba=7001': 1004, 'tenant=default,waba=7002': 1001, [`tenant=default,waba=${OTHER_WABA}`]: 1005 },
  });
  assert.deepEqual(capped, ['default/7003'], 'said once, naming the first WABA past the cap');

  // With a tenants file: a WABA its tenant lists is labelled whatever the cap; one accepted through a listed number
  // (not in wabaIds) is unlisted.
  const fileRegistry = new Registry();
  const fileSources = createSourceMetrics(fileRegistry, { unlistedMax: 1 });
  for (const waba of ['9001', '9002', '1000', '1100']) fileSources.accepted(fileTenants, [item('acme', waba)], 5_000);
  assert.deepEqual(Object.keys((await scrape(fileRegistry)).bodies).sort(), [
    'tenant=acme,waba=1000',
    'tenant=acme,waba=1100',
    'tenant=acme,waba=9001',
    `tenant=acme,waba=${OTHER_WABA}`,
  ]);
});

test('across workers (the supervisor merges their registries): the counts are summed, the last time is the latest of any worker', async () => {
  const workers = [new Registry(), new Registry(), new Registry()];
  const [a, b] = workers.map((r) => createSourceMetrics(r)) as [ReturnType<typeof createSourceMetrics>, ReturnType<typeof createSourceMetrics>];
  a.accepted(fileTenants, [item('acme', '1000')], 1_700_000_100_000);
  a.accepted(fileTenants, [item('acme', '1000')], 1_700_000_200_000);
  b.accepted(fileTenants, [item('acme', '1000')], 1_700_000_150_000);
  b.accepted(fileTenants, [item('globex', '2000')], 1_700_000_120_000);
  // The third worker has seen nothing: it has no series, so it pulls no maximum down.
  const merged = AggregatorRegistry.aggregate(await Promise.all(workers.map((r) => r.getMetricsAsJSON())));
  assert.deepEqual(await scrape(merged), {
    bodies: { 'tenant=acme,waba=1000': 3, 'tenant=globex,waba=2000': 1 },
    last: { 'tenant=acme,waba=1000': 1_700_000_200, 'tenant=globex,waba=2000': 1_700_000_120 },
  });
});
