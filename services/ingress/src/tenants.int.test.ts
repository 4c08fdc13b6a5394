import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { decodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, readTopic, spawnServiceProcess, testEnv, waitUntil, writeTenantsFile } from '@wabus/testing';
import { startIngressProcess } from './ingress-process.test-support.ts';
import { tenantBody as body } from './tenant-body.test-support.ts';

const ACME_SECRET = 'acme-app-secret';
const GLOBEX_SECRET = 'globex-app-secret';
const acme = { id: 'acme', appSecrets: [{ env: 'ACME_APP_SECRET' }], verifyToken: 'acme-verify', wabaIds: ['1000'], phoneNumberIds: ['1001'] };
const globex = { id: 'globex', appSecrets: [GLOBEX_SECRET], verifyToken: 'globex-verify', wabaIds: ['2000'], phoneNumberIds: ['2001'] };

test("tenants: each tenant's body becomes its events; one signed by tenant A naming B's number, or a number nobody owns, is quarantined on the raw topic and makes no event; a new tenants file on SIGHUP, a bad one ignored", async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'tenants-test' });
  const topics = await createTestTopics(kafka);
  t.after(() => topics.drop());
  const path = writeTenantsFile(t, [acme, globex]);
  const ingress = await startIngressProcess(t, {
    brokers: testEnv().kafkaBrokers,
    rawTopic: topics.rawTopic,
    eventsTopic: topics.eventsTopic,
    env: { WABUS_TENANTS_FILE: path, WHATSAPP_APP_SECRETS: undefined, WHATSAPP_VERIFY_TOKEN: undefined, ACME_APP_SECRET: ACME_SECRET, LOG_LEVEL: 'info' },
  });

  const answers: Record<string, unknown> = {};
  const post = async (name: string, b: Buffer, secret: string) => {
    const res = await ingress.post(b, secret);
    answers[name] = { status: res.status, body: await res.json() };
  };
  await post('acme own', body('1000', '1001', 'wamid.ACME'), ACME_SECRET);
  await post('globex own', body('2000', '2001', 'wamid.GLOBEX'), GLOBEX_SECRET);
  await post('acme names globex number', body('1000', '2001', 'wamid.CROSS1'), ACME_SECRET);
  await post('acme names globex waba and number', body('2000', '2001', 'wamid.CROSS2'), ACME_SECRET);
  await post('nobody owns it', body('9000', '9001', 'wamid.NOBODY'), ACME_SECRET);
  await post('unknown secret', body('1000', '1001', 'wamid.FORGED'), 'not-a-secret');

  const disposition = (name: string) => (answers[name] as { body: { disposition?: string; reason?: string; error?: { code: string } } }).body;
  assert.equal(disposition('acme own').disposition, 'accepted');
  assert.equal(disposition('globex own').disposition, 'accepted');
  assert.deepEqual(disposition('acme names globex number'), {
    ...disposition('acme names globex number'),
    disposition: 'quarantined',
    reason: 'tenant_mismatch',
  });
  assert.equal(disposition('acme names globex waba and number').reason, 'tenant_mismatch');
  assert.equal(disposition('nobody owns it').reason, 'unknown_owner');
  assert.equal((answers['unknown secret'] as { status: number }).status, 401);

  // Events: only the two tenants' own bodies, each with its tenant in the record and the header.
  const events = await readTopic(kafka, topics.eventsTopic);
  const byId = new Map(events.map((r) => [decodeEvent(r.value!).itemId, r]));
  assert.deepEqual([...byId.keys()].sort(), ['wamid.ACME', 'wamid.GLOBEX']);
  assert.equal(decodeEvent(byId.get('wamid.ACME')!.value!).tenantId, 'acme');
  assert.equal(byId.get('wamid.GLOBEX')!.headers['wabus-tenant'], 'globex');
  // Raw topic: all five signed bodies, the quarantined ones with their reason and the signer.
  const raw = await readTopic(kafka, topics.rawTopic);
  assert.equal(raw.length, 5);
  const quarantined = raw.filter((r) => r.headers['wabus-disposition'] === 'quarantined');
  assert.deepEqual(quarantined.map((r) => [r.headers['wabus-quarantine-reason'], r.headers['wabus-tenant']]).sort(), [
    ['tenant_mismatch', 'acme'],
    ['tenant_mismatch', 'acme'],
    ['unknown_owner', 'acme'],
  ]);
  // Counted for the dashboard and its alert.
  const metrics = await (await fetch(`${ingress.base}/metrics`)).text();
  assert.match(metrics, /wabus_ingress_quarantined_total\{reason="tenant_mismatch"\} 2/);
  assert.match(metrics, /wabus_ingress_quarantined_total\{reason="unknown_owner"\} 1/);
  // The handshake takes any tenant's verify token, and only those.
  const hello = (token: string) => fetch(`${ingress.base}/webhook?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`);
  assert.equal((await hello('globex-verify')).status, 200);
  assert.equal((await hello('acme-verify')).status, 200);
  assert.equal((await hello('nope')).status, 403);

  // A new tenant in the file, SIGHUP: its body is accepted without a restart.
  writeFileSync(path, JSON.stringify({ tenants: [acme, globex, { id: 'initech', appSecrets: ['initech-secret'], phoneNumberIds: ['3001'] }] }));
  ingress.service.child.kill('SIGHUP');
  await waitUntil('the tenants file reloaded', () => ingress.service.output().includes('tenants file reloaded'));
  assert.equal(
    ((await (await ingress.post(body('3000', '3001', 'wamid.INITECH'), 'initech-secret')).json()) as { disposition: string }).disposition,
    'accepted',
  );
  // A broken file on SIGHUP: reported, and the running configuration stays.
  writeFileSync(path, JSON.stringify({ tenants: [{ ...acme, phoneNumberIds: ['1001', 'x'] }] }));
  ingress.service.child.kill('SIGHUP');
  await waitUntil('the bad file reported', () => ingress.service.output().includes('tenants file NOT reloaded'));
  assert.match(ingress.service.output(), /tenants\[0\] \(acme\)\.phoneNumberIds\[1\]: expected an id of digits/);
  assert.equal(
    ((await (await ingress.post(body('3000', '3001', 'wamid.INITECH2'), 'initech-secret')).json()) as { disposition: string }).disposition,
    'accepted',
  );
  assert.ok(!ingress.service.output().includes(ACME_SECRET), 'no secret in the logs');
});

test('tenants: a bad tenants file at start-up stops ingress with one line naming the tenant and the field', async (t) => {
  const path = writeTenantsFile(t, [acme, { ...globex, phoneNumberIds: ['1001'] }]);
  const run = spawnServiceProcess(t, new URL('./main.ts', import.meta.url), {
    WABUS_TENANTS_FILE: path,
    WHATSAPP_APP_SECRETS: undefined,
    WHATSAPP_VERIFY_TOKEN: undefined,
    ACME_APP_SECRET: ACME_SECRET,
    INGRESS_PORT: '0',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    OTEL_TRACES_EXPORTER: 'none',
  });
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /tenants\[1\] \(globex\)\.phoneNumberIds\[0\]: number 1001 is already owned by tenant acme/);
  assert.doesNotMatch(run.output(), /\n\s+at /, 'no stack trace');
});
