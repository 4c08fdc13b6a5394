import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readScrape, testMongoClient } from '@wabus/testing';
import { graphRequestOf } from './graph-body.ts';
import { parseSend } from './parse-send.ts';
import { fingerprintOf, sendIdOf, sendsOf } from './sends.ts';
import { CUSTOMER, NUMBER, startTestSender, textTo } from './sender.test-support.ts';

type View = { id: string; state: string; wamid: string | null; attempts: number; unknown: { reason: string } | null };

test('sender: the same key twice (and raced) is one Graph call and the same answer; another body with the key is a 409', async (t) => {
  const { graph, post, sender, sendEvents } = await startTestSender(t);
  graph.setDefault({ kind: 'ok', delayMs: 50 });

  const first = await post(textTo(CUSTOMER, 'hello'), 'key-1');
  assert.equal(first.status, 201);
  const a = (await first.json()) as View;
  assert.equal(a.state, 'sent');
  assert.match(a.wamid ?? '', /^wamid\./);

  const again = await post({ to: CUSTOMER, type: 'text', text: { body: 'hello' }, phoneNumberId: NUMBER }, 'key-1');
  assert.equal(again.status, 200, 'the same request (its fields in another order) replays');
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(await again.json(), a, 'the same answer');

  // Ten concurrent requests with one fresh key: one call, every answer the same send.
  const raced = await Promise.all(Array.from({ length: 10 }, () => post(textTo(CUSTOMER, 'raced'), 'key-2')));
  const views = (await Promise.all(raced.map((r) => r.json()))) as View[];
  assert.equal(new Set(views.map((v) => v.id)).size, 1);
  assert.equal(raced.filter((r) => r.status === 201).length, 1, 'one request made the send');

  const conflict = await post(textTo(CUSTOMER, 'something else'), 'key-1');
  assert.equal(conflict.status, 409);
  assert.equal(((await conflict.json()) as { error: { code: string } }).error.code, 'WABUS_SENDER_IDEMPOTENCY_CONFLICT');

  const bodies = graph.requests.map((r) => (r.body as { text: { body: string } }).text.body);
  assert.deepEqual(bodies.sort(), ['hello', 'raced'], 'one Graph call per key, none for the conflict');

  // Each send is one event on the sends topic, whatever was retried or raced.
  const events = await sendEvents();
  assert.deepEqual(
    events.map((e) => [e.sendId, e.state, e.wamid, e.phoneNumberId, e.customer, e.type]).sort(),
    [
      [a.id, 'sent', a.wamid, NUMBER, CUSTOMER, 'text'],
      [views[0]!.id, 'sent', graph.requests.find((r) => (r.body as { text: { body: string } }).text.body === 'raced')!.wamid, NUMBER, CUSTOMER, 'text'],
    ].sort(),
  );

  const got = await fetch(`${sender.url}/v1/messages/${a.id}`);
  assert.equal(got.status, 200);
  assert.equal(((await got.json()) as View).wamid, a.wamid);
  const missing = await fetch(`${sender.url}/v1/messages/snd_nope`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'WABUS_SENDER_NOT_FOUND');
});

test('sender: a lost Graph answer is unknown, shown by GET, and never called again with the same key', async (t) => {
  const { graph, post, sender, sendEvents } = await startTestSender(t);
  // The stand-in reads the request (it "left") and drops the connection without answering.
  graph.script({ kind: 'drop', when: 'after-body' });
  const res = await post(textTo(CUSTOMER, 'lost'), 'lost-1');
  assert.equal(res.status, 201);
  const v = (await res.json()) as View;
  assert.deepEqual({ state: v.state, reason: v.unknown?.reason, attempts: v.attempts }, { state: 'unknown', reason: 'connection_lost', attempts: 1 });

  const again = await post(textTo(CUSTOMER, 'lost'), 'lost-1');
  assert.equal(again.status, 200);
  assert.equal(((await again.json()) as View).state, 'unknown');
  const got = (await (await fetch(`${sender.url}/v1/messages/${v.id}`)).json()) as View;
  assert.equal(got.state, 'unknown');

  // A hang past the timeout is unknown too.
  graph.script({ kind: 'hang' });
  const hung = (await (await post(textTo(CUSTOMER, 'hung'), 'hang-1')).json()) as View;
  assert.deepEqual({ state: hung.state, reason: hung.unknown?.reason }, { state: 'unknown', reason: 'timeout' });
  await post(textTo(CUSTOMER, 'hung'), 'hang-1');
  assert.equal(graph.requests.length, 2, 'one call per key: the lost and the hung one, neither repeated');
  assert.deepEqual(
    (await sendEvents()).map((e) => [e.state, e.error]),
    [
      ['unknown', { code: 'unknown', reason: 'connection_lost' }],
      ['unknown', { code: 'unknown', reason: 'timeout' }],
    ],
    'unknown sends are events too: surfaced on Kafka',
  );
});

test("sender: Meta's error codes: a refusal (130429) is retried, a permanent error (131026) is failed and not retried; the metrics count it all", async (t) => {
  const { graph, post, sender } = await startTestSender(t, { env: { SENDER_RETRY_INITIAL_MS: '10', SENDER_RETRY_MAX_MS: '20' } });
  graph.script({ kind: 'error', code: 130429 }, { kind: 'error', code: 131056 });
  const retried = (await (await post(textTo(CUSTOMER, 'busy'), 'r-1')).json()) as View;
  assert.deepEqual({ state: retried.state, attempts: retried.attempts }, { state: 'sent', attempts: 3 });

  graph.script({ kind: 'error', code: 131026 });
  const failed = (await (await post(textTo(CUSTOMER, 'nope'), 'f-1')).json()) as View & { error: { code: number } };
  assert.deepEqual({ state: failed.state, code: failed.error.code, attempts: failed.attempts }, { state: 'failed', code: 131026, attempts: 1 });
  assert.equal(graph.requests.length, 4);

  await post(textTo(CUSTOMER, 'busy'), 'r-1');
  await post({ phoneNumberId: NUMBER, type: 'text' }, 'bad-1');
  await post(textTo(CUSTOMER, 'other'), 'r-1');

  const m = readScrape(await (await fetch(`${sender.url}/metrics`)).text());
  assert.deepEqual(m.series('wabus_sender_sends_total'), { 'code=,state=sent': 1, 'code=131026,state=failed': 1 });
  assert.deepEqual(m.series('wabus_sender_refusals_total'), { 'code=130429': 1, 'code=131056': 1 });
  assert.deepEqual(m.series('wabus_sender_graph_calls_total'), {
    'call=send,code=,result=accepted': 1,
    'call=send,code=130429,result=refused': 1,
    'call=send,code=131056,result=refused': 1,
    'call=send,code=131026,result=failed': 1,
  });
  assert.equal(m.value('wabus_sender_replays_total'), 1);
  assert.deepEqual(m.series('wabus_sender_rejected_total'), { 'code=WABUS_SENDER_BAD_REQUEST': 1, 'code=WABUS_SENDER_IDEMPOTENCY_CONFLICT': 1 });
  assert.equal(m.value('wabus_sender_rate_limit_wait_seconds_count', { reason: 'backoff' }), 2, 'two backoffs');
});

test('sender: a send recorded by a request that died before calling is sent once by the next request with its key', async (t) => {
  const { graph, post, config } = await startTestSender(t);
  const body = textTo(CUSTOMER, 'recorded, never called');
  const command = parseSend(body);
  const client = await testMongoClient(t);
  const at = new Date();
  await sendsOf(client.db(config.database)).insertOne({
    _id: sendIdOf(NUMBER, 'died-1'),
    state: 'pending',
    tenantId: 'default',
    phoneNumberId: NUMBER,
    idempotencyKey: 'died-1',
    fingerprint: fingerprintOf(command),
    command,
    request: graphRequestOf('v21.0', command),
    attempts: 0,
    owner: 'a-process-that-died',
    createdAt: at,
    updatedAt: at,
  });
  const res = await post(body, 'died-1');
  assert.equal(res.status, 201, 'this request made the call');
  assert.equal(((await res.json()) as View).state, 'sent');
  const again = await post(body, 'died-1');
  assert.equal(again.status, 200);
  assert.equal(graph.requests.length, 1);
});
