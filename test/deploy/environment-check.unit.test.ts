import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentProblems } from './environment-check.ts';
import type { Workload } from './workload.ts';

const tenants = JSON.stringify({ tenants: [{ id: 'a', appSecrets: [{ env: 'A_SECRET' }], verifyToken: 'v', wabaIds: ['1'], phoneNumberIds: ['2'] }] });
const workload = (args: string[], env: Record<string, string>, files: Record<string, string> = {}): Workload => ({
  source: 'w',
  args,
  env,
  file: (p) => files[p],
});

test('given a service with what it needs and reads, then nothing is wrong', async () => {
  assert.deepEqual(await environmentProblems(workload(['ingress'], { WHATSAPP_APP_SECRETS: 's', WHATSAPP_VERIFY_TOKEN: 't', INGRESS_PORT: '8080' })), []);
  assert.deepEqual(await environmentProblems(workload(['ingress'], { WABUS_TENANTS_FILE: '/t.json', A_SECRET: 's' }, { '/t.json': tenants })), []);
});

test('given a variable the service does not read, then it is named', async () => {
  assert.deepEqual(await environmentProblems(workload(['message-store'], { INGRESS_PORT: '1' })), [
    'w: INGRESS_PORT is set, but message-store does not read it',
  ]);
});

test('given a required variable missing or invalid, then the service would not start, and the check says why', async () => {
  assert.deepEqual(await environmentProblems(workload(['crm-sync'], {})), [
    'w: crm-sync would not start: CRM_BASE_URL: required (base URL of the CRM REST API (PUT /contacts/:id, POST /contacts/batch))',
  ]);
  assert.match((await environmentProblems(workload(['status-tracker'], { STATUS_TRACKER_PORT: 'x' })))[0]!, /STATUS_TRACKER_PORT/);
});

test('given a tenants file, then the variables it names are read, must be set, and the file must be there', async () => {
  assert.deepEqual(await environmentProblems(workload(['ingress'], { WABUS_TENANTS_FILE: '/t.json' }, { '/t.json': tenants })), [
    'w: the tenants file /t.json would not load: tenants[0] (a).appSecrets[0]: environment variable A_SECRET is not set',
  ]);
  assert.deepEqual(await environmentProblems(workload(['ingress'], { WABUS_TENANTS_FILE: '/elsewhere.json' })), [
    'w: WABUS_TENANTS_FILE=/elsewhere.json, but no file is there',
  ]);
});

test('given the CLI, then only its own variables; given an unknown service, then that', async () => {
  assert.deepEqual(await environmentProblems(workload(['topics', 'apply'], { KAFKA_BROKERS: 'k:9092', LOG_LEVEL: 'info' })), [
    'w: LOG_LEVEL is set, but the CLI does not read it',
  ]);
  assert.deepEqual(await environmentProblems(workload(['nope'], {})), ['w: "nope" is not a service of the registry']);
});
