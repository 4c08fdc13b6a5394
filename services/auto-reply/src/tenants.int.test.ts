import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent, eventRecord, explodeWebhook } from '@wabus/events';
import { startGraphApiStandIn } from '@wabus/standins';
import { writeTenantsFile } from '@wabus/testing';
import { CUSTOMER, CUSTOMER_BSUID, inboundBody } from './inbound.test-support.ts';
import { counter, createTopics, produce, readOutbox, serviceEnv, startService, testDatabase, testKafka, writeRules } from './service.test-support.ts';

const ACME = { number: '1001', token: 'acme-graph-token' };
const GLOBEX = { number: '2001', token: 'globex-graph-token' };

/** The record ingress writes for a body of this tenant (tenant in the event and its header). */
function record(tenantId: string | null, body: Buffer, receivedAt: number) {
  const r = explodeWebhook(body, { receivedAt });
  assert.ok(r.ok && r.events.length === 1);
  const event = { ...r.events[0]!, tenantId };
  return eventRecord(event, 'delivery', receivedAt, encodeEvent);
}

test("auto-reply: each tenant is answered with its own rules and its own Graph token (the stand-in refuses another tenant's); a BSUID-only user through `recipient`; a message of a tenant nobody configured is not answered", async (t) => {
  const kafka = testKafka();
  const graph = await startGraphApiStandIn({ accessToken: 'nobody-has-this', accessTokens: { [ACME.number]: ACME.token, [GLOBEX.number]: GLOBEX.token } });
  t.after(() => graph.close());
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const rules = (text: string) => writeRules({ rules: [{ id: 'all', when: { default: true }, reply: { text } }] });
  const path = writeTenantsFile(t, [
    { id: 'acme', appSecrets: ['a'], graphAccessToken: ACME.token, phoneNumberIds: [ACME.number], autoReply: { rules: await rules('Acme here') } },
    { id: 'globex', appSecrets: ['g'], graphAccessToken: GLOBEX.token, phoneNumberIds: [GLOBEX.number] },
  ]);
  const env = serviceEnv({
    topic,
    dlqTopic,
    database: testDatabase(t),
    graphUrl: graph.url,
    rulesFile: await rules('Globex default rules'),
    env: { WABUS_TENANTS_FILE: path, WHATSAPP_ACCESS_TOKEN: '' },
  });

  const now = Math.floor(Date.now() / 1000);
  const records = [
    record('acme', inboundBody({ phoneNumberId: ACME.number, timestamp: now, wamid: 'wamid.ACME1' }), now * 1000),
    record('globex', inboundBody({ phoneNumberId: GLOBEX.number, timestamp: now, wamid: 'wamid.GLOBEX1' }), now * 1000),
    // The same customer writing to both: two tenants, two conversations, two answers.
    record('acme', inboundBody({ phoneNumberId: ACME.number, timestamp: now, wamid: 'wamid.ACME2', customerId: null, userId: CUSTOMER_BSUID }), now * 1000),
    record('globex', inboundBody({ phoneNumberId: GLOBEX.number, timestamp: now, wamid: 'wamid.GLOBEX2', userId: CUSTOMER_BSUID }), now * 1000),
    // Written before tenants (no tenantId): its number's owner in the tenants file answers.
    record(null, inboundBody({ phoneNumberId: GLOBEX.number, timestamp: now, wamid: 'wamid.OLD' }), now * 1000),
    // A tenant the file does not name (removed since): not answered, counted.
    record('initech', inboundBody({ phoneNumberId: '3001', timestamp: now, wamid: 'wamid.INITECH' }), now * 1000),
  ];
  await produce(kafka, topic, records);
  const service = await startService(t, env);
  await service.runtime.whenApplied();

  const sent = graph.requests.map((r) => {
    const b = r.body as { to?: string; recipient?: string; context: { message_id: string }; text: { body: string } };
    return {
      inbound: b.context.message_id,
      number: r.phoneNumberId,
      token: r.headers['authorization'],
      status: r.status,
      to: b.to ?? null,
      recipient: b.recipient ?? null,
      text: b.text.body,
    };
  });
  sent.sort((a, b) => a.inbound.localeCompare(b.inbound));
  assert.deepEqual(sent, [
    { inbound: 'wamid.ACME1', number: ACME.number, token: `Bearer ${ACME.token}`, status: 200, to: CUSTOMER, recipient: null, text: 'Acme here' },
    { inbound: 'wamid.ACME2', number: ACME.number, token: `Bearer ${ACME.token}`, status: 200, to: null, recipient: CUSTOMER_BSUID, text: 'Acme here' },
    {
      inbound: 'wamid.GLOBEX1',
      number: GLOBEX.number,
      token: `Bearer ${GLOBEX.token}`,
      status: 200,
      to: CUSTOMER,
      recipient: null,
      text: 'Globex default rules',
    },
    {
      inbound: 'wamid.GLOBEX2',
      number: GLOBEX.number,
      token: `Bearer ${GLOBEX.token}`,
      status: 200,
      to: CUSTOMER,
      recipient: null,
      text: 'Globex default rules',
    },
    { inbound: 'wamid.OLD', number: GLOBEX.number, token: `Bearer ${GLOBEX.token}`, status: 200, to: CUSTOMER, recipient: null, text: 'Globex default rules' },
  ]);
  const outbox = await readOutbox(service);
  assert.deepEqual(outbox.map((e) => [e.inbound.wamid, e.inbound.tenantId, e.state]).sort(), [
    ['wamid.ACME1', 'acme', 'sent'],
    ['wamid.ACME2', 'acme', 'sent'],
    ['wamid.GLOBEX1', 'globex', 'sent'],
    ['wamid.GLOBEX2', 'globex', 'sent'],
    ['wamid.OLD', 'globex', 'sent'],
  ]);
  assert.equal(await counter(service, 'wabus_auto_reply_decisions_total', { outcome: 'unknown_tenant' }), 1);
});

test('auto-reply: a tenant left without a Graph token (none of its own, no WHATSAPP_ACCESS_TOKEN) stops the start with the tenant and field named', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const path = writeTenantsFile(t, [
    { id: 'acme', appSecrets: ['a'], graphAccessToken: 'x', phoneNumberIds: ['1001'] },
    { id: 'globex', appSecrets: ['g'], phoneNumberIds: ['2001'] },
  ]);
  const env = serviceEnv({
    topic,
    dlqTopic,
    database: testDatabase(t),
    graphUrl: 'http://127.0.0.1:9',
    rulesFile: await writeRules({ rules: [{ id: 'all', when: { default: true }, reply: { text: 'x' } }] }),
    env: { WABUS_TENANTS_FILE: path, WHATSAPP_ACCESS_TOKEN: '' },
  });
  await assert.rejects(startService(t, env), {
    code: 'WABUS_TENANTS_INVALID',
    message: /^tenants\[1\] \(globex\)\.graphAccessToken: auto-reply needs a Graph API token/,
  });
});
