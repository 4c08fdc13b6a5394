import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnServiceProcess, testEnv, writeTenantsFile } from '@wabus/testing';

const main = (service: string) => new URL(`../../../services/${service}/src/main.ts`, import.meta.url);
const base = () => ({ KAFKA_BROKERS: testEnv().kafkaBrokers.join(','), MONGODB_URI: testEnv().mongoUri, OTEL_TRACES_EXPORTER: 'none', HOST: '127.0.0.1' });
const needs: Record<string, Record<string, string>> = {
  'message-store': { MESSAGE_STORE_PORT: '0' },
  'status-tracker': { STATUS_TRACKER_PORT: '0' },
  'crm-sync': { CRM_SYNC_PORT: '0', CRM_BASE_URL: 'http://127.0.0.1:9' },
  'auto-reply': { AUTO_REPLY_PORT: '0', AUTO_REPLY_RULES: '/nonexistent/rules.json', WHATSAPP_ACCESS_TOKEN: 'x' },
};


for (const service of Object.keys(needs)) {
  test(`${service} main: a bad variable stops it with one line naming the variable, exit 1, no stack trace`, async (t) => {
    const run = spawnServiceProcess(t, main(service), { ...base(), ...needs[service], WABUS_MAX_BATCH: 'many' });
    assert.equal(await run.exited, 1);
    const out = run.output().trim();
    assert.match(out, new RegExp(`^${service}: WABUS_CONFIG_INVALID: WABUS_MAX_BATCH: `));
    assert.equal(out.split('\n').length, 1, out);
  });
}

test('crm-sync and auto-reply main: a start that fails (a bad tenants file, a missing rules file) is one fatal line naming it, exit 1, no stack', async (t) => {
  const path = writeTenantsFile(t, [{ id: 'acme', appSecrets: ['s'], phoneNumberIds: ['x1'] }]);
  for (const [service, env, expected] of [
    ['crm-sync', { WABUS_TENANTS_FILE: path }, /tenants\[0\] \(acme\)\.phoneNumberIds\[0\]/],
    ['auto-reply', {}, /\/nonexistent\/rules\.json/],
  ] as const) {
    const run = spawnServiceProcess(t, main(service), { ...base(), ...needs[service], ...env, LOG_LEVEL: 'info' });
    assert.equal(await run.exited, 1, service);
    const fatal = run.output().split('\n').filter((l) => l.includes('"level":60'));
    assert.equal(fatal.length, 1, `${service}: ${run.output()}`);
    assert.match(fatal[0]!, /failed to start: /);
    assert.match(fatal[0]!, expected);
    assert.doesNotMatch(run.output(), /\n\s+at /, `${service}: no stack trace`);
  }
});
