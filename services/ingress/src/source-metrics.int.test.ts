import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, descendantPids, readScrape, testEnv, waitUntil, writeTenantsFile } from '@wabus/testing';
import { startIngressProcess } from './ingress-process.test-support.ts';
import { tenantBody } from './tenant-body.test-support.ts';

const ACME_SECRET = 'acme-silence-secret';
const GLOBEX_SECRET = 'globex-silence-secret';
const acme = { id: 'acme', appSecrets: [ACME_SECRET], wabaIds: ['1000', '1100'], phoneNumberIds: ['1001', '1101'] };
const globex = { id: 'globex', appSecrets: [GLOBEX_SECRET], wabaIds: ['2000'], phoneNumberIds: ['2001'] };
const COUNTER = 'wabus_ingress_accepted_webhooks_total';
const GAUGE = 'wabus_ingress_last_accepted_timestamp_seconds';

/**
 * POSTs on a connection of its own (no keep-alive): node:cluster hands each new connection to the next worker in
 * turn, so a run of posts reaches every worker.
 */
function postOnce(base: string, body: Buffer, signature: string | undefined): Promise<{ status: number; body: { disposition?: string; reason?: string } }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(body.length) };
    if (signature !== undefined) headers['x-hub-signature-256'] = signature;
    const req = request(`${base}/webhook`, { method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { disposition?: string } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('ingress with 2 workers: accepted webhooks counted per tenant and WABA, and the last one’s time, alike on every scrape; nothing for a rejected, unsigned or quarantined body', async (t) => {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'source-metrics-test' });
  const topics = await createTestTopics(kafka);
  t.after(() => topics.drop());
  const ingress = await startIngressProcess(t, {
    brokers: testEnv().kafkaBrokers,
    ...topics,
    env: { WABUS_TENANTS_FILE: writeTenantsFile(t, [acme, globex]), WHATSAPP_APP_SECRETS: undefined, WHATSAPP_VERIFY_TOKEN: undefined, INGRESS_WORKERS: '2' },
  });
  await waitUntil('two workers', () => descendantPids(ingress.service.child.pid!).length === 2);
  // Both workers ready: a scrape must not miss one still starting (each answers /readyz only once it listens).
  await waitUntil('both workers answer', async () => {
    const answers = await Promise.all([0, 1, 2, 3].map(() => fetch(`${ingress.base}/readyz`, { headers: { connection: 'close' } }).then((r) => r.status)));
    return answers.every((s) => s === 200);
  });

  const started = Date.now() / 1000;
  const plan = [
    ...Array.from({ length: 6 }, (_, i) => ({ waba: '1000', number: '1001', secret: ACME_SECRET, n: i })),
    ...Array.from({ length: 4 }, (_, i) => ({ waba: '1100', number: '1101', secret: ACME_SECRET, n: i })),
    ...Array.from({ length: 3 }, (_, i) => ({ waba: '2000', number: '2001', secret: GLOBEX_SECRET, n: i })),
  ];
  const accepted = await Promise.all(
    plan.map(async ({ waba, number, secret, n }) => {
      const body = tenantBody(waba, number, `wamid.S${waba}.${n}`);
      return (await postOnce(ingress.base, body, ingress.signature(body, secret))).body.disposition;
    }),
  );
  assert.deepEqual(accepted, Array(plan.length).fill('accepted'));
  const lastAccepted = Date.now() / 1000;

  // None of these counts for a source: no signature, a wrong one, a body its signer does not own, one naming a WABA
  // nobody owns, a signed body that is no webhook.
  const refused: [Buffer, string | undefined][] = [
    [tenantBody('1000', '1001', 'wamid.UNSIGNED'), undefined],
    [tenantBody('1000', '1001', 'wamid.FORGED'), 'not-the-secret'],
    [tenantBody('2000', '2001', 'wamid.CROSS'), ACME_SECRET],
    [tenantBody('9000', '9001', 'wamid.NOBODY'), ACME_SECRET],
    [Buffer.from('{"object":"page","entry":[{"id":"1000"}]}'), ACME_SECRET],
  ];
  const refusedAnswers = [];
  for (const [body, secret] of refused) {
    const a = await postOnce(ingress.base, body, secret === undefined ? undefined : ingress.signature(body, secret));
    refusedAnswers.push(a.status === 200 ? `${a.status} ${a.body.disposition} ${a.body.reason}` : String(a.status));
  }
  assert.deepEqual(refusedAnswers, ['401', '401', '200 quarantined tenant_mismatch', '200 quarantined unknown_owner', '200 quarantined wrong_object']);

  // Every scrape answers for the whole ingress, whichever worker it reaches: the same counts each time.
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${ingress.base}/metrics`, { headers: { connection: 'close' } });
    assert.equal(res.status, 200);
    const scrape = readScrape(await res.text());
    assert.deepEqual(scrape.series(COUNTER), { 'tenant=acme,waba=1000': 6, 'tenant=acme,waba=1100': 4, 'tenant=globex,waba=2000': 3 }, `scrape ${i}`);
    const last = scrape.series(GAUGE);
    assert.deepEqual(Object.keys(last).sort(), ['tenant=acme,waba=1000', 'tenant=acme,waba=1100', 'tenant=globex,waba=2000'], `scrape ${i}`);
    // The latest of the workers' times: within the posting, never a sum of two workers' (twice the epoch).
    for (const [source, at] of Object.entries(last)) {
      assert.ok(
        at >= Math.floor(started) && at <= lastAccepted + 1,
        `scrape ${i}: ${source} last accepted at ${at}, posted within [${started}, ${lastAccepted}]`,
      );
    }
    assert.equal(scrape.value('wabus_ingress_requests_total', { outcome: 'accepted' }), plan.length, `scrape ${i}: both workers' requests`);
    assert.equal(scrape.value('wabus_ingress_quarantined_total'), 3, `scrape ${i}`);
  }
});
