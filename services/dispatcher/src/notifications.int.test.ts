import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { decodeEvent } from '@wabus/events';
import { buildBody, createGenContext, createRng, createWorld, generateItem, type GeneratedItem } from '@wabus/simulator';
import { startWebhookEndpointStandIn } from '@wabus/standins';
import { createEventTopics, ingressRecords, produceRecords, testDatabase, testMongoClient, waitUntil } from '@wabus/testing';
import { dispatcherEnv, metric, readDeliveries, startDispatcherInProcess, subscriptionsFile, testKafka } from './dispatcher.test-support.ts';

interface Mail {
  from: string;
  to: string[];
  data: string;
  at: number;
}

/** A real SMTP server on loopback (the smtp-server package): every message it accepts, whole. */
async function startSmtpServer(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Quoted-printable bytes (=XX) as UTF-8 text. */
const unQuote = (s: string) =>
  Buffer.from(
    s.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

/** A mail's Subject (RFC 2047 encoded words joined) and text body (quoted-printable, RFC 2045), decoded. */
function readMail(data: string): { headers: string; subject: string; text: string } {
  const [head = '', body = ''] = data.split('\r\n\r\n', 2);
  const headers = head.replace(/\r\n[ \t]+/g, ' ');
  const raw = /^Subject: (.*)$/m.exec(headers)?.[1] ?? '';
  const subject = raw.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) => unQuote(q.replaceAll('_', ' ')));
  return { headers, subject, text: unQuote(body.replace(/=\r\n/g, '')) };
}

const DELAY_S = 2;

test(
  `notifications for people: a customer's message nobody answered within ${DELAY_S} s reaches Slack and e-mail (a real SMTP server) once per unanswered streak; answered ones do not`,
  { timeout: 120_000 },
  async (t) => {
    const kafka = testKafka();
    const { topic, dlqTopic } = await createEventTopics(t, kafka, { prefix: 'dispatch.notify', partitions: 3 });
    const slack = await startWebhookEndpointStandIn();
    const smtp = await startSmtpServer();
    t.after(() => Promise.all([slack.close(), smtp.close()]));

    const rng = createRng('notifications');
    const world = createWorld(rng.fork('world'), { customers: 3, wabas: 1, numbersPerWaba: 1, bsuidOnlyShare: 0 });
    const business = world.businesses[0]!;
    const [ana, bia, caio] = world.customers;
    let clock = Date.now() - 60_000;
    const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => clock });
    const at = (ms: number, item: () => GeneratedItem) => ((clock = Date.now() - 60_000 + ms), item());
    const items = [
      // ana writes and nobody answers: notified.
      at(0, () => generateItem(ctx, 'text', { business, customer: ana })),
      // bia writes and the business answers 5 s later (an echo): not notified.
      at(1_000, () => generateItem(ctx, 'text', { business, customer: bia })),
      at(6_000, () => generateItem(ctx, 'echo', { business, customer: bia })),
      // caio writes twice, no answer: one notification for the streak.
      at(2_000, () => generateItem(ctx, 'text', { business, customer: caio })),
      at(3_000, () => generateItem(ctx, 'text', { business, customer: caio })),
    ];
    const receivedAt = Date.now();
    const records = items.flatMap((item) => ingressRecords(buildBody({ items: [item], rng }).body, receivedAt));
    const events = records.map((r) => decodeEvent(r.value));
    assert.deepEqual(
      events.map((e) => e.kind),
      ['message', 'message', 'message_echo', 'message', 'message'],
    );

    const database = testDatabase(t, { prefix: 'dispatch_notify' });
    const file = await subscriptionsFile([
      {
        id: 'slack-unanswered',
        target: { type: 'slack', url: `${slack.url}/services/T0/B0/x` },
        filter: { phoneNumberIds: [business.phoneNumberId] },
        unansweredAfterSeconds: DELAY_S,
      },
      { id: 'mail-unanswered', target: { type: 'email', to: ['support@shop.test'], from: 'wabus@shop.test' }, filter: {}, unansweredAfterSeconds: DELAY_S },
    ]);
    const service = await startDispatcherInProcess(
      t,
      dispatcherEnv({ topic, dlqTopic, database, port: 0, extra: { LOG_LEVEL: 'silent', DISPATCHER_SUBSCRIPTIONS_FILE: file, DISPATCHER_SMTP_URL: smtp.url } }),
    );
    const mongo = await testMongoClient(t);
    await produceRecords(kafka, topic, records);

    const settled = async (sub: string) => {
      const ds = await readDeliveries(mongo, database, sub);
      return ds.length === 4 && ds.every((d) => d.status !== 'pending' && d.status !== 'sending');
    };
    await waitUntil('both subscriptions settled', async () => (await settled('slack-unanswered')) && (await settled('mail-unanswered')), { timeoutMs: 30_000 });

    const phone = (c: typeof ana) => `+${c!.waId}`;
    const texts = slack.received.map((r) => (JSON.parse(r.body) as { text: string }).text).sort();
    assert.equal(texts.length, 2, texts.join('\n'));
    assert.match(texts[0]!, new RegExp(`^No answer within 2 s: customer \\${phone(texts[0]!.includes(phone(ana)) ? ana : caio)} → `));
    assert.ok(texts.some((x) => x.includes(phone(ana))) && texts.some((x) => x.includes(phone(caio))), 'ana and caio');
    assert.ok(!texts.some((x) => x.includes(phone(bia))), 'bia was answered');
    for (const r of slack.received) {
      assert.ok(r.at >= receivedAt + DELAY_S * 1000, `not before the delay (${r.at - receivedAt} ms)`);
      assert.equal(r.path, '/services/T0/B0/x');
      assert.equal(r.headers['content-type'], 'application/json');
    }

    assert.equal(smtp.mails.length, 2);
    const mails = smtp.mails.map((m) => readMail(m.data));
    for (const [i, m] of mails.entries()) {
      assert.deepEqual([smtp.mails[i]!.from, smtp.mails[i]!.to], ['wabus@shop.test', ['support@shop.test']]);
      assert.match(m.subject, /^No answer within 2 s: customer \+\d+ → /);
      assert.match(m.headers, /^X-Wabus-Delivery-Id: dlv_[0-9a-f]{32}$/im);
      assert.ok(m.text.startsWith(m.subject.replace(/…$/, '')), 'the text says what the subject says');
    }
    assert.deepEqual(mails.map((m) => m.subject).sort(), texts, 'the same notifications as Slack');

    const outcome = async (sub: string) => (await readDeliveries(mongo, database, sub)).map((d) => `${d.status}:${d.lastError ?? ''}`).sort();
    for (const sub of ['slack-unanswered', 'mail-unanswered']) {
      assert.deepEqual(await outcome(sub), ['cancelled:already_notified', 'cancelled:answered', 'delivered:', 'delivered:'], sub);
      assert.equal(await metric(service, 'wabus_dispatcher_deliveries_total', { subscription: sub, status: 'cancelled' }), 2);
    }
  },
);
