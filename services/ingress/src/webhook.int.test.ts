import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent } from '@wabus/events';
import { readScrape, readTopic } from '@wabus/testing';
import { sign, startTestIngress, VERIFY_TOKEN } from './test-helpers.ts';

// A body written the way Meta serialises: escaped unicode and slashes, a 64-bit template id, several entries and
// changes, and every kind of item. Key order deliberately varies (object last, field before value).
const MULTI = Buffer.from(
  '{"entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",' +
    '"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},' +
    '"contacts":[{"profile":{"name":"Jos\\u00e9"},"wa_id":"4915112345678"},{"profile":{"name":"Ana"},"wa_id":"34600111222"}],' +
    '"messages":[{"from":"4915112345678","id":"wamid.AAA1","timestamp":"1731705721","type":"text","text":{"body":"caf\\u00e9 \\ud83d\\ude00 http:\\/\\/x.y"}},' +
    '{"from":"34600111222","id":"wamid.AAA2","timestamp":"1731705722","type":"image","image":{"id":"1234","mime_type":"image\\/jpeg","sha256":"abc"}}]}},' +
    '{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},' +
    '"statuses":[{"id":"wamid.OUT1","status":"delivered","timestamp":"1731705730","recipient_id":"4915112345678"},' +
    '{"id":"wamid.OUT1","status":"read","timestamp":"1731705731","recipient_id":"4915112345678"}],' +
    '"errors":[{"code":131000,"title":"Something went wrong"}]},"field":"messages"}]},' +
    '{"id":"999888777","time":1731705800,"changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":1234567890123456789,"message_template_name":"hello"}}]}],' +
    '"object":"whatsapp_business_account"}',
);

test('GET /webhook: the handshake echoes the challenge byte for byte and refuses everything else', async (t) => {
  const { app } = await startTestIngress(t);
  const challenge = '1158201444 ~!é';
  const ok = await app.inject({
    method: 'GET',
    url: '/webhook',
    query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': challenge },
  });
  assert.equal(ok.statusCode, 200);
  assert.match(String(ok.headers['content-type']), /^text\/plain/);
  assert.equal(ok.body, challenge);

  const wrongToken = await app.inject({ method: 'GET', url: '/webhook', query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' } });
  assert.equal(wrongToken.statusCode, 403);
  assert.equal(wrongToken.json().error.code, 'WABUS_INGRESS_HANDSHAKE_REFUSED');
  const wrongMode = await app.inject({
    method: 'GET',
    url: '/webhook',
    query: { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' },
  });
  assert.equal(wrongMode.statusCode, 403);
  const missing = await app.inject({ method: 'GET', url: '/webhook', query: { 'hub.mode': 'subscribe' } });
  assert.equal(missing.statusCode, 400);
  assert.equal(missing.json().error.code, 'WABUS_INGRESS_HANDSHAKE_PARAMS');
});

test('POST /webhook: every bad input gets its status and code, and nothing is written to either topic', async (t) => {
  const { app, kafka, topics, post } = await startTestIngress(t);
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const cases: { name: string; res: Awaited<ReturnType<typeof post>>; status: number; code: string }[] = [
    {
      name: 'no signature',
      res: await app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json' }, payload: body }),
      status: 401,
      code: 'WABUS_INGRESS_SIGNATURE_MISSING',
    },
    {
      name: 'sha1 style header',
      res: await post(body, { 'x-hub-signature-256': 'sha1=0123456789abcdef0123456789abcdef01234567' }),
      status: 401,
      code: 'WABUS_INGRESS_SIGNATURE_MALFORMED',
    },
    { name: 'short hex', res: await post(body, { 'x-hub-signature-256': 'sha256=abcd' }), status: 401, code: 'WABUS_INGRESS_SIGNATURE_MALFORMED' },
    {
      name: 'wrong secret',
      res: await post(body, { 'x-hub-signature-256': sign(body, 'another-secret') }),
      status: 401,
      code: 'WABUS_INGRESS_SIGNATURE_MISMATCH',
    },
    {
      name: 'signature of other bytes (re-serialised JSON)',
      res: await post(body, { 'x-hub-signature-256': sign(JSON.stringify(JSON.parse(body.toString()), null, 1)) }),
      status: 401,
      code: 'WABUS_INGRESS_SIGNATURE_MISMATCH',
    },
    {
      name: 'form content type',
      res: await post(body, { 'content-type': 'application/x-www-form-urlencoded' }),
      status: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    },
    { name: 'text content type', res: await post(body, { 'content-type': 'text/plain' }), status: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
  ];
  const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
  cases.push({ name: 'body over 3 MB', res: await post(big, { 'x-hub-signature-256': sign(big) }), status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  for (const c of cases) {
    assert.equal(c.res.statusCode, c.status, `${c.name}: status`);
    assert.equal(c.res.json().error.code, c.code, `${c.name}: code`);
  }
  assert.equal((await readTopic(kafka, topics.rawTopic)).length, 0, 'raw topic stays empty');
  assert.equal((await readTopic(kafka, topics.eventsTopic)).length, 0, 'events topic stays empty');
});

test('POST /webhook: signed bodies that are not webhook envelopes are quarantined on the raw topic and answered 200', async (t) => {
  const { kafka, topics, post, logLines } = await startTestIngress(t);
  const bodies = {
    invalid_json: '{"object":"whatsapp_business_account","entry":[',
    wrong_object: '{"object":"page","entry":[]}',
    bare_value: '{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1"},"messages":[]}',
  };
  for (const [name, text] of Object.entries(bodies)) {
    const res = await post(text);
    assert.equal(res.statusCode, 200, name);
    assert.equal(res.json().disposition, 'quarantined', name);
    assert.equal(typeof res.json().reason, 'string');
  }
  const raw = await readTopic(kafka, topics.rawTopic);
  assert.equal(raw.length, 3);
  for (const r of raw) {
    assert.equal(r.headers['wabus-disposition'], 'quarantined');
    assert.ok(r.headers['wabus-quarantine-reason']);
    assert.ok(Object.values(bodies).includes(r.value!.toString()), 'the body is kept byte for byte');
  }
  assert.equal((await readTopic(kafka, topics.eventsTopic)).length, 0);
  assert.equal(logLines.filter((l) => l['outcome'] === 'quarantined').length, 3, 'each quarantine is logged');
});

const record0Tenant = (events: { record: { headers: Record<string, string> }; event: { itemId: string | null } }[], id: string) =>
  events.find((e) => e.event.itemId === id)!.record.headers['wabus-tenant'];

test('POST /webhook: a body of several entries, changes and items yields one record per item with keys, ids and raw bytes', async (t) => {
  const { kafka, topics, post } = await startTestIngress(t);
  const res = await post(MULTI);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json().events, 6);

  const raw = await readTopic(kafka, topics.rawTopic);
  assert.equal(raw.length, 1);
  assert.ok(raw[0]!.value!.equals(MULTI), 'raw topic holds the body exactly as received');
  assert.equal(raw[0]!.headers['wabus-disposition'], 'accepted');
  assert.equal(raw[0]!.headers['wabus-secret'], 'secret#1');

  const records = await readTopic(kafka, topics.eventsTopic);
  assert.equal(records.length, 6);
  const events = records.map((r) => ({ record: r, event: decodeEvent(r.value!) }));
  for (const { record, event } of events) {
    assert.equal(record.key, event.key);
    assert.equal(record.headers['wabus-event-id'], event.eventId);
    assert.equal(record.headers['wabus-delivery-id'], raw[0]!.headers['wabus-delivery-id']);
    assert.equal(event.deliveryId, raw[0]!.headers['wabus-delivery-id']);
    assert.ok(MULTI.includes(event.raw), `raw item is a byte slice of the body: ${event.raw.toString()}`);
  }
  const byItem = (id: string | null, kind: string) => events.filter((e) => e.event.itemId === id && e.event.kind === kind);
  const text = byItem('wamid.AAA1', 'message')[0]!.event;
  assert.equal(text.key, '106540352242922', 'keyed by the business number');
  assert.equal(text.tenantId, 'default');
  assert.equal(record0Tenant(events, 'wamid.AAA1'), 'default');
  assert.equal(text.customerId, '4915112345678');
  assert.ok(text.raw.toString().includes('caf\\u00e9 \\ud83d\\ude00 http:\\/\\/x.y'), 'escapes kept as received');
  assert.equal(JSON.parse(text.contact!.toString()).wa_id, '4915112345678', 'the matching contacts[] entry');
  const image = byItem('wamid.AAA2', 'message')[0]!.event;
  assert.equal(image.key, '106540352242922');
  assert.equal(JSON.parse(image.contact!.toString()).profile.name, 'Ana');
  assert.equal(byItem('wamid.OUT1', 'status').length, 2, 'delivered and read are two events');
  assert.notEqual(byItem('wamid.OUT1', 'status')[0]!.event.eventId, byItem('wamid.OUT1', 'status')[1]!.event.eventId);
  const err = events.find((e) => e.event.kind === 'error')!.event;
  assert.equal(err.key, '106540352242922');
  const tpl = events.find((e) => e.event.kind === 'change')!.event;
  assert.equal(tpl.key, '999888777', 'account-level events are keyed by the WABA id');
  assert.ok(tpl.raw.toString().includes('1234567890123456789'), '64-bit id kept exactly');
  assert.equal(new Set(events.map((e) => e.event.eventId)).size, 6);
  // Records of one conversation share a partition, in body order.
  const textRecord = byItem('wamid.AAA1', 'message')[0]!.record;
  const statusRecords = byItem('wamid.OUT1', 'status').map((e) => e.record);
  for (const r of statusRecords) {
    assert.equal(r.key, textRecord.key);
    assert.equal(r.partition, textRecord.partition);
  }
  assert.ok(BigInt(textRecord.offset) < BigInt(statusRecords[0]!.offset));
  assert.ok(BigInt(statusRecords[0]!.offset) < BigInt(statusRecords[1]!.offset));
});

test('POST /webhook: the same body posted twice yields the same event ids; a rotated secret is accepted and recorded', async (t) => {
  const { kafka, topics, post } = await startTestIngress(t, { secrets: 'old=old-secret,new=new-secret' });
  assert.equal((await post(MULTI, { 'x-hub-signature-256': sign(MULTI, 'old-secret') })).statusCode, 200);
  assert.equal((await post(MULTI, { 'x-hub-signature-256': sign(MULTI, 'new-secret') })).statusCode, 200);
  const raw = await readTopic(kafka, topics.rawTopic);
  assert.deepEqual(raw.map((r) => r.headers['wabus-secret']).sort(), ['new', 'old']);
  const ids = (await readTopic(kafka, topics.eventsTopic)).map((r) => r.headers['wabus-event-id']!);
  assert.equal(ids.length, 12);
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  assert.equal(counts.size, 6);
  assert.ok(
    [...counts.values()].every((n) => n === 2),
    'each event id appears once per delivery',
  );
});

test('GET /readyz is 200 with the producer connected and the topics present, /healthz always 200', async (t) => {
  const { app } = await startTestIngress(t);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200, ready.body);
});

test('logs: one line per request with delivery id, items, latency and outcome; no secret, no body text, phone numbers masked', async (t) => {
  const { post, logLines } = await startTestIngress(t);
  await post(MULTI);
  await post(MULTI, { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) });
  const lines = logLines.filter((l) => l['path'] === '/webhook');
  assert.equal(lines.length, 2);
  const [ok, bad] = lines as [Record<string, unknown>, Record<string, unknown>];
  assert.equal(ok['outcome'], 'accepted');
  assert.equal(ok['items'], 6);
  assert.equal(typeof ok['deliveryId'], 'string');
  assert.equal(typeof ok['latencyMs'], 'number');
  assert.deepEqual(ok['customers'], ['*********5678', '*******1222']);
  assert.equal(bad['outcome'], 'bad_signature');
  assert.equal(bad['status'], 401);
  const all = JSON.stringify(logLines);
  for (const secretOrBody of ['test-app-secret', 'caf', 'Something went wrong', '4915112345678', '34600111222']) {
    assert.ok(!all.includes(secretOrBody), `logs must not contain ${secretOrBody}`);
  }
});

test('/metrics counts requests by outcome (unknown paths as not_found, with the usual error envelope) and items per body', async (t) => {
  const { app, post } = await startTestIngress(t);
  await post(MULTI);
  await post(MULTI);
  await post('not json');
  await post(MULTI, { 'x-hub-signature-256': sign(MULTI, 'wrong') });
  // Paths and methods ingress does not serve: our envelope, and an outcome of their own (not rejected webhooks).
  for (const [method, url] of [
    ['GET', '/wp-login.php'],
    ['DELETE', '/webhook'],
    ['POST', '/webhooks?x=1'],
  ] as const) {
    const r = await app.inject({ method, url });
    assert.equal(r.statusCode, 404);
    assert.deepEqual(r.json(), { error: { code: 'WABUS_INGRESS_NOT_FOUND', message: `no route ${method} ${url.split('?')[0]}` } });
  }
  const m = readScrape((await app.inject({ url: '/metrics' })).body);
  assert.deepEqual(m.series('wabus_ingress_requests_total'), {
    'outcome=accepted': 2,
    'outcome=quarantined': 1,
    'outcome=bad_signature': 1,
    'outcome=not_found': 3,
  });
  assert.equal(m.value('wabus_ingress_items_per_body_sum'), 12);
  assert.deepEqual(
    m.samples.filter((s) => s.name === 'wabus_ingress_batcher_queued_records'),
    [{ name: 'wabus_ingress_batcher_queued_records', labels: {}, value: 0 }],
  );
  // Two accepted bodies of 6 items (a raw record and 6 events each) and a quarantined one (its raw record).
  assert.equal(m.value('wabus_ingress_produce_records_total'), 2 * 7 + 1);
  const sends = m.value('wabus_ingress_produce_sends_total');
  assert.ok(sends >= 1 && sends <= 3, `the 3 bodies went in 1 to 3 produce rounds (got ${sends})`);
  assert.equal(m.value('wabus_ingress_produce_failed_sends_total'), 0);
});
