import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka } from '@wabus/kafka';
import { signBody } from '@wabus/simulator';
import { startGraphApiStandIn } from '@wabus/standins';
import { createTestTopics, freePort, serviceTestEnv, spawnServiceProcess, testEnv, waitUntil } from '@wabus/testing';
import { createPeerReads } from './peer-reads.ts';
import { CUSTOMER, NUMBER, startTestSender, textTo } from './sender.test-support.ts';

type View = { id: string; state: string; wamid: string | null; status: { status: string; errors: { code: number }[] } | null };

// Meta's whole loop, locally: the sender calls the Graph stand-in, which answers and then (like Meta) posts signed
// status webhooks to a real ingress; ingress → Kafka → status-tracker; GET /v1/messages/:id shows the status.
test(
  'sender round trip: the stand-in’s signed status callbacks through ingress and status-tracker end in the send’s status',
  { timeout: 120_000 },
  async (t) => {
    const topics = await createTestTopics(createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'sender-round-trip' }));
    t.after(() => topics.drop());
    const [ingressPort, trackerPort, storePort] = [await freePort(), await freePort(), await freePort()];
    const start = (name: string, portEnv: string, port: number) => {
      const run = spawnServiceProcess(t, name, {
        ...serviceTestEnv(topics, `sender-rt.${name}`),
        OTEL_TRACES_EXPORTER: 'none',
        HOST: '127.0.0.1',
        INGRESS_HOST: '127.0.0.1',
        [portEnv]: String(port),
        LOG_LEVEL: 'warn',
      });
      return waitUntil(
        () => `${name} ready: ${run.output()}`,
        async () => {
          if (!run.running()) throw new Error(`${name} exited: ${run.output()}`);
          return fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.ok,
            () => false,
          );
        },
        { timeoutMs: 60_000 },
      );
    };
    await Promise.all([
      start('ingress', 'INGRESS_PORT', ingressPort),
      start('status-tracker', 'STATUS_TRACKER_PORT', trackerPort),
      start('message-store', 'MESSAGE_STORE_PORT', storePort),
    ]);

    // serviceTestEnv's app secret is `test=secret`: the stand-in signs with `secret`, as Meta signs with the app's.
    const graph = await startGraphApiStandIn({ statusCallbacks: { url: `http://127.0.0.1:${ingressPort}/webhook`, appSecret: 'secret', delayMs: 5 } });
    const peers = createPeerReads({ messageStoreUrl: `http://127.0.0.1:${storePort}`, statusTrackerUrl: `http://127.0.0.1:${trackerPort}` });
    const { post, sender } = await startTestSender(t, { graph, peers });
    const get = async (id: string) => (await (await fetch(`${sender.url}/v1/messages/${id}`)).json()) as View;

    // The window, from message-store: closed before the customer writes, open once their message went through ingress.
    const closed = await post(textTo(CUSTOMER, 'too early'), 'rt-0');
    assert.equal(closed.status, 422);
    const inbound = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550000000', phone_number_id: NUMBER },
                  contacts: [{ profile: { name: 'Ana' }, wa_id: CUSTOMER }],
                  messages: [{ from: CUSTOMER, id: 'wamid.RT-INBOUND', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' } }],
                },
              },
            ],
          },
        ],
      }),
    );
    const webhook = await fetch(`http://127.0.0.1:${ingressPort}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(inbound, 'secret') },
      body: inbound,
    });
    assert.equal(webhook.status, 200);
    await waitUntil(
      'message-store has the conversation',
      async () => (await fetch(`http://127.0.0.1:${storePort}/v1/conversations/${NUMBER}/${CUSTOMER}`)).ok,
      {
        timeoutMs: 30_000,
      },
    );

    const read = (await (await post(textTo(CUSTOMER, 'round trip'), 'rt-1')).json()) as View;
    assert.equal(read.state, 'sent');
    graph.script({ kind: 'ok', statuses: ['sent', 'failed'] });
    const failed = (await (await post(textTo(CUSTOMER, 'will fail'), 'rt-2')).json()) as View;
    assert.equal(failed.state, 'sent', 'accepted by Meta: the failure comes later, as a status');
    await graph.callbacks!.idle();
    const reported = (wamid: string | null) => graph.callbacks!.sent.filter((c) => c.wamid === wamid).map((c) => [c.status, c.httpStatus]);
    assert.deepEqual(reported(read.wamid), [
      ['sent', 200],
      ['delivered', 200],
      ['read', 200],
    ]);
    assert.deepEqual(
      reported(failed.wamid),
      [
        ['sent', 200],
        ['failed', 200],
      ],
      'every callback signed and accepted by ingress, in order per message',
    );

    await waitUntil(
      'both statuses at the sender',
      async () => (await get(read.id)).status?.status === 'read' && (await get(failed.id)).status?.status === 'failed',
      {
        timeoutMs: 30_000,
      },
    );
    assert.equal((await get(read.id)).status?.status, 'read');
    assert.deepEqual(
      (await get(failed.id)).status?.errors.map((e) => e.code),
      [131026],
    );

    // Lost after Meta processed it: the message left (its statuses come back) but the sender never learned its wamid.
    graph.script({ kind: 'drop', when: 'after-accept' });
    const lost = (await (await post(textTo(CUSTOMER, 'lost'), 'rt-3')).json()) as View;
    assert.deepEqual([lost.state, lost.wamid], ['unknown', null]);
    await post(textTo(CUSTOMER, 'lost'), 'rt-3');
    assert.equal(graph.requests.length, 3, 'the lost send was not sent again (and the refused one never went)');
    assert.equal((await get(lost.id)).state, 'unknown');
  },
);
