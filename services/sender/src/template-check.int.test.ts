import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka } from '@wabus/kafka';
import {
  createTestTopics,
  freePort,
  ingressRecords,
  produceRecords,
  serviceTestEnv,
  spawnServiceProcess,
  testDatabase,
  testEnv,
  waitUntil,
} from '@wabus/testing';
import { createPeerReads } from './peer-reads.ts';
import { NUMBER, startTestSender } from './sender.test-support.ts';

const WABA = '102290129340398';
const DISPLAY = '15550783881';

/** One account-level change as Meta sends it (`entry.time`: Meta's time of the change). */
const changeBody = (field: string, value: object, time: number) =>
  Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, time, changes: [{ value, field }] }] }));
const templateStatus = (event: string, name: string, time: number) =>
  changeBody(
    'message_template_status_update',
    { event, message_template_id: 42, message_template_name: name, message_template_language: 'en_US', reason: null },
    time,
  );
/** An inbound message: its metadata ties the business number to its WABA for account-state. */
const inbound = Buffer.from(
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY, phone_number_id: NUMBER },
              messages: [{ from: '5511999990001', id: 'wamid.in.1', timestamp: '900', type: 'text', text: { body: 'oi' } }],
            },
          },
        ],
      },
    ],
  }),
);
const templateTo = (name: string) => ({ phoneNumberId: NUMBER, to: '5511999990001', type: 'template', template: { name, language: 'en_US' } });
const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string; param?: string } }).error;

test(
  'sender + account-state: a paused template is refused with a code and never reaches the Graph API; approved and unknown ones go',
  { timeout: 120_000 },
  async (t) => {
    const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'sender-template' });
    const topics = await createTestTopics(kafka);
    t.after(() => topics.drop());
    const port = await freePort();
    const run = spawnServiceProcess(t, 'account-state', {
      ...serviceTestEnv(topics, 'sender-tpl.account-state'),
      WABUS_DATABASE: testDatabase(t, { prefix: 'sendertpl' }),
      ACCOUNT_STATE_PORT: String(port),
      HOST: '127.0.0.1',
      OTEL_TRACES_EXPORTER: 'none',
      LOG_LEVEL: 'warn',
    });
    const accountState = `http://127.0.0.1:${port}`;
    const statusOf = async (name: string) => {
      const r = await fetch(`${accountState}/v1/templates/${WABA}/${name}/en_US`).catch(() => null);
      return r?.ok ? ((await r.json()) as { status: { value: string; timestamp: number } | null }).status : null;
    };
    // Meta's order was APPROVED then PAUSED; the PAUSED arrives first.
    let at = Date.UTC(2026, 0, 1);
    await produceRecords(kafka, topics.eventsTopic, [
      ...ingressRecords(templateStatus('PAUSED', 'order_update', 2_000), (at += 1)),
      ...ingressRecords(inbound, (at += 1)),
      ...ingressRecords(templateStatus('APPROVED', 'order_update', 1_000), (at += 1)),
      ...ingressRecords(templateStatus('APPROVED', 'welcome', 1_000), (at += 1)),
    ]);
    await waitUntil(
      () => `account-state folded the templates: ${run.output()}`,
      async () => (await statusOf('order_update'))?.timestamp === 2_000 && (await statusOf('welcome')) !== null,
      { timeoutMs: 60_000 },
    );

    const peers = createPeerReads({ messageStoreUrl: '', statusTrackerUrl: '', accountStateUrl: accountState });
    const { post, graph } = await startTestSender(t, { peers });

    const paused = await post(templateTo('order_update'), 'tpl-1');
    assert.equal(paused.status, 422);
    assert.deepEqual(await errorOf(paused), {
      code: 'WABUS_SENDER_TEMPLATE_NOT_APPROVED',
      message: 'template order_update (en_US) is PAUSED, not APPROVED; nothing was sent',
      param: 'template.name',
    });
    assert.equal(graph.requests.length, 0, 'nothing reached the Graph API');

    const approved = await post(templateTo('welcome'), 'tpl-2');
    assert.equal(approved.status, 201);
    const unknown = await post(templateTo('never_seen'), 'tpl-3');
    assert.equal(unknown.status, 201, 'a template account-state has no status of goes out: Meta decides');
    assert.deepEqual(
      graph.requests.map((r) => (r.body as { template: { name: string } }).template.name),
      ['welcome', 'never_seen'],
    );

    // Meta approves it again (a pause lasts hours): the same key, kept free by the refusal, now sends.
    await produceRecords(kafka, topics.eventsTopic, ingressRecords(templateStatus('APPROVED', 'order_update', 3_000), (at += 1)));
    await waitUntil('order_update approved again', async () => (await statusOf('order_update'))?.value === 'APPROVED', { timeoutMs: 30_000 });
    const again = await post(templateTo('order_update'), 'tpl-1');
    assert.equal(again.status, 201);
    assert.equal(graph.requests.length, 3);

    // account-state unreachable: refused with 503, nothing sent, the key free for a retry.
    const down = createPeerReads({ messageStoreUrl: '', statusTrackerUrl: '', accountStateUrl: `http://127.0.0.1:${await freePort()}` });
    peers.templateOf = down.templateOf;
    const unreachable = await post(templateTo('welcome'), 'tpl-4');
    assert.equal(unreachable.status, 503);
    assert.deepEqual(await errorOf(unreachable), {
      code: 'WABUS_SENDER_TEMPLATE_STATUS_UNKNOWN',
      message: 'the template status could not be checked; nothing was sent',
      param: 'template.name',
    });
    const text = await post({ phoneNumberId: NUMBER, to: '5511999990001', type: 'text', text: { body: 'hi' } }, 'tpl-5');
    assert.equal(text.status, 201, 'only templates are checked');
    assert.equal(graph.requests.length, 4);
  },
);
