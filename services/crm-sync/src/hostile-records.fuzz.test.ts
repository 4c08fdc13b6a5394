// Records whose item is hostile (docs/fuzz.md, consumers), between good messages on one partition: each is applied or
// dead-lettered with a code, and the customers of the good messages after them become contacts (nothing poisons the
// partition), the CRM stand-in answering as a CRM does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, personAliases } from '@wabus/events';
import { startCrmStandIn } from '@wabus/standins';
import { consumeHostileRecords, hostileFixture } from '@wabus/testing/fuzz';
import { crmSyncEnv, readContactDocs, SECRET, startCrmSync, testDatabase, testKafka, TOKEN } from './crm-sync.test-support.ts';

test('crm-sync: hostile records are applied or dead-lettered with a code, and never hold back the contacts after them', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'crm.hostile', kinds: ['message'], bodies: 60 });
  const crm = await startCrmStandIn({ secret: SECRET, token: TOKEN });
  t.after(() => crm.close());

  let service: Awaited<ReturnType<typeof startCrmSync>> | undefined;
  // The defaults' CRM timeouts, not the other tests' short ones: a process starved beside the rest of the fuzz tier can
  // take seconds to read an answer, and every request in doubt holds its contact's lease (what is tested here is
  // poison, not a slow CRM).
  const extra = { CRM_TIMEOUT_MS: '5000', CRM_RETRY_BUDGET_MS: '10000', CRM_LEASE_MS: '20000' };
  const env = crmSyncEnv({ topic, dlqTopic, database: testDatabase(t), crmUrl: crm.url, extra });
  const run = await consumeHostileRecords({ kafka, topic, dlqTopic, good, hostile, start: async () => (service = await startCrmSync(t, env)) });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);
  const known = new Set((await readContactDocs(service!)).flatMap((d) => d.state.aliases as string[]));
  const missing = run.goodAfter.map((r) => decodeEvent(r.value)).filter((e) => !personAliases(e).some((a) => known.has(a)));
  assert.deepEqual(
    missing.map((e) => e.customerId),
    [],
    'every customer of a good message after the hostile ones is a contact',
  );
  assert.ok(service!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
