import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTargets, createMetaGraph, planTargets, targetsOf } from '@wabus/meta-graph';
import { startGraphApiStandIn } from '@wabus/standins';
import { loadTenantsFile } from '@wabus/tenants';
import { devMetaState, devTenantsFile } from './dev-meta.ts';
import { DEV_DEFAULTS } from './commands/dev.ts';

test("pnpm dev's Graph stand-in: the dev tenant differs before meta subscribe and agrees after it", async (t) => {
  const tenants = loadTenantsFile(devTenantsFile);
  const dev = tenants.byId('dev')!;
  // The file is dev's own configuration: the secret, verify token and Graph token dev gives the services.
  assert.equal(`dev=${dev.appSecrets[0]!.secret}`, DEV_DEFAULTS['WHATSAPP_APP_SECRETS']);
  assert.equal(dev.verifyToken, DEV_DEFAULTS['WHATSAPP_VERIFY_TOKEN']);
  assert.equal(dev.graphAccessToken, DEV_DEFAULTS['WHATSAPP_ACCESS_TOKEN']);
  // The callback handshake needs ingress on 8080 (dev runs it); here only the state is under test.
  const graph = await startGraphApiStandIn({ accessToken: DEV_DEFAULTS['WHATSAPP_ACCESS_TOKEN']!, meta: { ...devMetaState(tenants), verifyCallbacks: false } });
  t.after(() => graph.close());
  const meta = createMetaGraph({ baseUrl: graph.url, apiVersion: 'v21.0', timeoutMs: 5_000 });
  const targets = targetsOf(tenants, { fallbackToken: '' });

  const before = await checkTargets(meta, targets);
  assert.deepEqual(
    before[0]!.differences.map((d) => d.kind),
    ['app_not_subscribed', 'waba_not_subscribed'],
  );
  for (const { target, change } of await planTargets(meta, targets)) await meta.apply(change, target.credentials);
  const after = await checkTargets(meta, targets);
  assert.deepEqual(after[0]!.differences, []);
  assert.equal(after[0]!.ok, true);
  assert.deepEqual(
    after[0]!.numbers.map((n) => [n.id, n.status, n.qualityRating]),
    [['106540352242922', 'CONNECTED', 'GREEN']],
  );
});
