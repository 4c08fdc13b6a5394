import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIngressConfig } from './config.ts';

const base = { WHATSAPP_APP_SECRETS: 's1', WHATSAPP_VERIFY_TOKEN: 't' };

test('given the required variables, then defaults fill the rest', () => {
  const cfg = loadIngressConfig(base);
  assert.equal(cfg.port, 8080);
  assert.equal(cfg.ackTimeoutMs, 5_000);
  assert.equal(cfg.bodyLimit, 3 * 1024 * 1024);
  assert.deepEqual(
    cfg.appSecrets.map((s) => s.label),
    ['secret#1'],
  );
});

test('given a tenants file, then no secret variable is needed', () => {
  const cfg = loadIngressConfig({ WABUS_TENANTS_FILE: '/etc/wabus/tenants.json' });
  assert.equal(cfg.tenantsFile, '/etc/wabus/tenants.json');
  assert.deepEqual(cfg.appSecrets, []);
});

test('given labelled secrets for rotation, then each keeps its label', () => {
  const cfg = loadIngressConfig({ ...base, WHATSAPP_APP_SECRETS: 'old=aaa, new=bbb,ccc' });
  assert.deepEqual(
    cfg.appSecrets.map((s) => [s.label, s.secret.export().toString()]),
    [
      ['old', 'aaa'],
      ['new', 'bbb'],
      ['secret#3', 'ccc'],
    ],
  );
});

test('given bad or missing variables, then start-up fails naming every one of them', () => {
  assert.throws(
    () => loadIngressConfig({}),
    (e: Error & { code?: string }) => e.code === 'WABUS_CONFIG_INVALID' && /WHATSAPP_APP_SECRETS: is required \(or give WABUS_TENANTS_FILE\)/.test(e.message),
  );
  assert.throws(() => loadIngressConfig({ WHATSAPP_APP_SECRETS: 's1' }), /WHATSAPP_VERIFY_TOKEN: is required/);
  assert.throws(
    () => loadIngressConfig({ ...base, WABUS_TENANTS_FILE: '/etc/wabus/tenants.json' }),
    /WABUS_TENANTS_FILE: secrets and verify tokens come from the tenants file/,
  );
  assert.throws(() => loadIngressConfig({ ...base, INGRESS_PORT: 'eighty' }), /INGRESS_PORT: expected an integer/);
  assert.throws(() => loadIngressConfig({ ...base, INGRESS_BODY_LIMIT: 'lots' }), /INGRESS_BODY_LIMIT/);
  assert.throws(() => loadIngressConfig({ ...base, WHATSAPP_APP_SECRETS: 'x=' }), /empty secret/);
  assert.throws(() => loadIngressConfig({ ...base, INGRESS_TLS_CERT: '/c.pem' }), /set both or neither/);
  assert.throws(() => loadIngressConfig({ ...base, INGRESS_MTLS: 'true' }), /mutual TLS needs/);
});
