import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inboundBody } from './inbound.test-support.ts';
import { recordsOf } from './workload.test-support.ts';
import {
  counter,
  createTopics,
  produce,
  readOutbox,
  repliesByInbound,
  serviceEnv,
  standIn,
  startService,
  testDatabase,
  testKafka,
  writeRules,
} from './service.test-support.ts';

const RULES = { rules: [{ id: 'all', when: { default: true }, reply: { text: 'Thanks!' }, markAsRead: true }] };
const now = () => Math.floor(Date.now() / 1000);

/** One inbound text per business number, so each can be scripted by its path. */
const message = (phoneNumberId: string, wamid: string) =>
  recordsOf(inboundBody({ content: { text: 'hello' }, timestamp: now(), phoneNumberId, customerId: '4915112345678', wamid }));

test('auto-reply: a rate-limit refusal (130429) is retried and answered once; 131047 is recorded failed and never retried', async (t) => {
  const kafka = testKafka();
  const graph = await standIn(t);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  const isReply = (phone: string) => (h: { phoneNumberId: string | null }) => h.phoneNumberId === phone;
  graph.script(
    { kind: 'error', code: 130429, status: 429, match: isReply('1001') },
    { kind: 'error', code: 131056, match: isReply('1001') },
    { kind: 'error', code: 131047, match: isReply('1002') },
  );
  await produce(kafka, topic, [...message('1001', 'wamid.RETRY'), ...message('1002', 'wamid.WINDOW')]);
  const service = await startService(t, serviceEnv({ topic, dlqTopic, database: testDatabase(t), graphUrl: graph.url, rulesFile: await writeRules(RULES) }));
  await service.runtime.whenApplied();

  const replies = repliesByInbound(graph.requests);
  assert.deepEqual(
    replies.get('wamid.RETRY')!.map((r) => r.status),
    [429, 400, 200],
    'refused twice (by code, whatever the status), then accepted',
  );
  assert.deepEqual(
    replies.get('wamid.WINDOW')!.map((r) => r.status),
    [400],
    'a permanent error is not retried',
  );
  const entries = new Map((await readOutbox(service)).map((e) => [e.inbound.wamid, e]));
  const retried = entries.get('wamid.RETRY')!;
  assert.equal(retried.state, 'sent');
  assert.equal(retried.attempts, 3);
  assert.equal(retried.reply?.wamid, replies.get('wamid.RETRY')![2]!.wamid);
  assert.equal(retried.error?.code, 131056, 'the last refusal is kept');
  const failed = entries.get('wamid.WINDOW')!;
  assert.equal(failed.state, 'failed');
  assert.equal(failed.attempts, 1);
  assert.equal(failed.error?.code, 131047);
  // Mark-as-read went out for both, after the reply.
  assert.deepEqual([retried.markAsRead?.outcome, failed.markAsRead?.outcome], ['accepted', 'accepted']);
  assert.equal(graph.requests.filter((r) => (r.body as { status?: string }).status === 'read').length, 2);
  assert.equal(await counter(service, 'wabus_auto_reply_refusals_total'), 2);
  assert.equal(await counter(service, 'wabus_auto_reply_replies_total', { state: 'failed', code: '131047' }), 1);
});

test('auto-reply: a dropped connection or no answer after the request left is unknown, never retried, surfaced by the read API', async (t) => {
  const kafka = testKafka();
  const graph = await standIn(t);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  graph.script(
    { kind: 'drop', when: 'after-body', match: (h) => h.phoneNumberId === '2001' },
    { kind: 'drop', when: 'before-body', match: (h) => h.phoneNumberId === '2002' },
    { kind: 'hang', match: (h) => h.phoneNumberId === '2003' },
  );
  await produce(kafka, topic, [
    ...message('2001', 'wamid.DROP'),
    ...message('2002', 'wamid.EARLY'),
    ...message('2003', 'wamid.HANG'),
    ...message('2004', 'wamid.OK'),
  ]);
  const database = testDatabase(t);
  const env = serviceEnv({ topic, dlqTopic, database, graphUrl: graph.url, rulesFile: await writeRules(RULES), env: { WHATSAPP_REQUEST_TIMEOUT_MS: '300' } });
  const service = await startService(t, env);
  await service.runtime.whenApplied();

  const replies = repliesByInbound(graph.requests);
  for (const w of ['wamid.DROP', 'wamid.HANG', 'wamid.OK']) assert.equal(replies.get(w)?.length, 1, `${w}: exactly one request`);
  assert.equal(graph.requests.filter((r) => r.phoneNumberId === '2002' && r.body === undefined).length, 1, 'dropped before the body: once, not retried');
  const entries = new Map((await readOutbox(service)).map((e) => [e.inbound.wamid, e]));
  assert.deepEqual(
    ['wamid.DROP', 'wamid.EARLY', 'wamid.HANG', 'wamid.OK'].map((w) => [w, entries.get(w)?.state, entries.get(w)?.unknown?.reason ?? null]),
    [
      ['wamid.DROP', 'unknown', 'connection_lost'],
      ['wamid.EARLY', 'unknown', 'connection_lost'],
      ['wamid.HANG', 'unknown', 'timeout'],
      ['wamid.OK', 'sent', null],
    ],
  );

  const list = await service.app.inject({ url: '/v1/outbox?state=unknown&limit=10' });
  assert.equal(list.statusCode, 200);
  const body = list.json<{ count: number; entries: { eventId: string; state: string; inbound: { wamid: string } }[] }>();
  assert.equal(body.count, 3);
  assert.deepEqual(body.entries.map((e) => e.inbound.wamid).sort(), ['wamid.DROP', 'wamid.EARLY', 'wamid.HANG']);
  const one = await service.app.inject({ url: `/v1/outbox/${body.entries[0]!.eventId}` });
  assert.equal(one.json<{ state: string }>().state, 'unknown');
  assert.equal((await service.app.inject({ url: '/v1/outbox/nope' })).json<{ error: { code: string } }>().error.code, 'WABUS_AUTO_REPLY_NOT_FOUND');
  const bad = await service.app.inject({ url: '/v1/outbox?state=lost' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<{ error: { param: string } }>().error.param, 'state');
  assert.equal((await service.app.inject({ url: '/v1/outbox?limit=0' })).statusCode, 400);
  await service.stop();

  // Redelivered from offset 0 (a new group): still not retried.
  const before = graph.requests.length;
  const again = await startService(t, { ...env, WABUS_GROUP_ID: `${env['WABUS_GROUP_ID']}-again` });
  await again.runtime.whenApplied();
  assert.equal(graph.requests.length, before);
});

test('auto-reply: a wrong access token is code 190: recorded failed, not retried', async (t) => {
  const kafka = testKafka();
  const graph = await standIn(t);
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, message('3001', 'wamid.TOKEN'));
  const service = await startService(
    t,
    serviceEnv({
      topic,
      dlqTopic,
      database: testDatabase(t),
      graphUrl: graph.url,
      rulesFile: await writeRules(RULES),
      env: { WHATSAPP_ACCESS_TOKEN: 'expired' },
    }),
  );
  await service.runtime.whenApplied();
  const [entry] = await readOutbox(service);
  assert.equal(entry?.state, 'failed');
  assert.equal(entry.error?.code, 190);
  assert.equal(repliesByInbound(graph.requests).get('wamid.TOKEN')?.length, 1);
});
