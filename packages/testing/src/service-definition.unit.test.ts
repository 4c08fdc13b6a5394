import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configReads, loadServiceDefinition } from './service-definition.ts';
import { serviceFacts, serviceRegistry } from '@wabus/service/registry';

test('given every service of the registry, then its definition loads without starting it', async () => {
  for (const facts of serviceRegistry()) {
    const definition = await loadServiceDefinition(facts);
    assert.equal(typeof definition.start, 'function', facts.name);
  }
});

test('given an empty environment, then a consumer reads its port, brokers and store and needs none of them', async () => {
  const facts = serviceFacts('message-store');
  const reads = configReads(await loadServiceDefinition(facts), facts, {});
  assert.equal(reads.error, undefined);
  for (const v of ['MESSAGE_STORE_PORT', 'KAFKA_BROKERS', 'MONGODB_URI', 'LOG_LEVEL']) assert.ok(reads.variables.includes(v), v);
  assert.ok(!reads.variables.includes('INGRESS_PORT'));
});

test('given an empty environment, then ingress fails as at start, naming the missing variable', async () => {
  const facts = serviceFacts('ingress');
  const reads = configReads(await loadServiceDefinition(facts), facts, {});
  assert.equal((reads.error as { code?: string }).code, 'WABUS_CONFIG_INVALID');
  assert.match(String((reads.error as Error).message), /WHATSAPP_APP_SECRETS/);
  assert.ok(reads.variables.includes('INGRESS_PORT'));
});

test('given a service directory whose definition file exports no definition, then WABUS_SERVICE_FACTS_INVALID', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wabus-definition-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'nothing-service.ts'), 'export const notADefinition = { config: 1 };\n');
  await assert.rejects(loadServiceDefinition({ name: 'nothing', dir }), { code: 'WABUS_SERVICE_FACTS_INVALID', message: /exports 0 service definitions/ });
  await assert.rejects(loadServiceDefinition({ name: 'absent', dir }), { code: 'WABUS_SERVICE_FACTS_INVALID', message: /cannot be loaded/ });
});
