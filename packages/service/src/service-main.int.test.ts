import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnServiceProcess, testEnv, writeTenantsFile } from '@wabus/testing';
import { serviceRegistry } from './registry.ts';

// Every service of the checkout, started by name through the registry: each runs on the chassis, so each answers a
// bad variable and a failed start the same way.
const base = () => ({ KAFKA_BROKERS: testEnv().kafkaBrokers.join(','), MONGODB_URI: testEnv().mongoUri, OTEL_TRACES_EXPORTER: 'none', HOST: '127.0.0.1' });
const needs: Record<string, Record<string, string>> = {
  ingress: { INGRESS_HOST: '127.0.0.1', WHATSAPP_APP_SECRETS: 's', WHATSAPP_VERIFY_TOKEN: 'v' },
  'message-store': {},
  'status-tracker': {},
  'crm-sync': { CRM_BASE_URL: 'http://127.0.0.1:9' },
  'auto-reply': { AUTO_REPLY_RULES: '/nonexistent/rules.json', WHATSAPP_ACCESS_TOKEN: 'x' },
  'media-store': { WHATSAPP_ACCESS_TOKEN: 'x' },
  dispatcher: {},
  sender: { WHATSAPP_ACCESS_TOKEN: 'x' },
  'account-state': {},
};
// A variable each reads as a number.
const numeric = (service: string) => (service === 'ingress' ? 'INGRESS_ACK_TIMEOUT_MS' : service === 'sender' ? 'SENDER_RATE_PER_SECOND' : 'WABUS_MAX_BATCH');

test('the registry lists every service of the checkout, each with its port variable and entry point', () => {
  assert.deepEqual(
    serviceRegistry().map((s) => [s.name, s.kind, s.port, s.portEnv]),
    [
      ['ingress', 'ingress', 8080, 'INGRESS_PORT'],
      ['message-store', 'consumer', 8081, 'MESSAGE_STORE_PORT'],
      ['status-tracker', 'consumer', 8082, 'STATUS_TRACKER_PORT'],
      ['auto-reply', 'consumer', 8083, 'AUTO_REPLY_PORT'],
      ['crm-sync', 'consumer', 8084, 'CRM_SYNC_PORT'],
      ['media-store', 'consumer', 8085, 'MEDIA_STORE_PORT'],
      ['sender', 'api', 8086, 'SENDER_PORT'],
      ['dispatcher', 'consumer', 8087, 'DISPATCHER_PORT'],
      ['account-state', 'consumer', 8088, 'ACCOUNT_STATE_PORT'],
    ],
  );
  assert.deepEqual(
    Object.keys(needs).sort(),
    serviceRegistry()
      .map((s) => s.name)
      .sort(),
    'this test knows every service',
  );
});

for (const { name, portEnv } of serviceRegistry()) {
  test(`${name} main: a bad variable stops it with one line naming the variable, exit 1, no stack trace`, async (t) => {
    const run = spawnServiceProcess(t, name, { ...base(), ...needs[name], [portEnv]: '0', [numeric(name)]: 'many' });
    assert.equal(await run.exited, 1);
    const out = run.output().trim();
    assert.match(out, new RegExp(`^${name}: WABUS_CONFIG_INVALID: ${numeric(name)}: `));
    assert.equal(out.split('\n').length, 1, out);
  });
}

test('a start that fails (a bad tenants file, a missing rules file) is one fatal line naming it, exit 1, no stack — the same in every service', async (t) => {
  const path = writeTenantsFile(t, [{ id: 'acme', appSecrets: ['s'], phoneNumberIds: ['x1'] }]);
  for (const [service, env, expected] of [
    ['crm-sync', { WABUS_TENANTS_FILE: path, CRM_SYNC_PORT: '0' }, /tenants\[0\] \(acme\)\.phoneNumberIds\[0\]/],
    [
      'ingress',
      { WABUS_TENANTS_FILE: path, WHATSAPP_APP_SECRETS: undefined, WHATSAPP_VERIFY_TOKEN: undefined, INGRESS_PORT: '0' },
      /tenants\[0\] \(acme\)\.phoneNumberIds\[0\]/,
    ],
    ['auto-reply', { AUTO_REPLY_PORT: '0' }, /\/nonexistent\/rules\.json/],
  ] as const) {
    const run = spawnServiceProcess(t, service, { ...base(), ...needs[service], ...env, LOG_LEVEL: 'info' });
    assert.equal(await run.exited, 1, service);
    const fatal = run
      .output()
      .split('\n')
      .filter((l) => l.includes('"level":60'));
    assert.equal(fatal.length, 1, `${service}: ${run.output()}`);
    assert.match(fatal[0]!, /failed to start: /);
    assert.match(fatal[0]!, expected);
    assert.match(fatal[0]!, /"code":"WABUS_/, `${service}: the fatal line carries the code`);
    assert.doesNotMatch(run.output(), /\n\s+at /, `${service}: no stack trace`);
  }
});
